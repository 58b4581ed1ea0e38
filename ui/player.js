// The Compare tab's player: the original and every result on one clock.
//
// Each result arrives as its GIF (decoded here, frame by frame, with the
// format's disposal and transparency), the original as one JPEG sheet of its
// frames. One timer picks frame n and every panel draws frame n, so the
// columns are always in step; a slider and a play/pause button move that one
// clock. Canvases enlarge small pictures without smoothing.

function lzw(minSize, data, count) {
  // GIF's variable-width LZW: codes from minSize + 1 bits up to 12.
  const out = new Uint8Array(count);
  const clear = 1 << minSize, end = clear + 1;
  const prefix = new Int16Array(4096), suffix = new Uint8Array(4096);
  const stack = new Uint8Array(4097);
  for (let i = 0; i < clear; i++) { prefix[i] = -1; suffix[i] = i; }
  let size = minSize + 1, mask = (1 << size) - 1, next = end + 1;
  let old = -1, first = 0, acc = 0, bits = 0, pos = 0, op = 0;
  while (op < count) {
    while (bits < size) {
      if (pos >= data.length) return out;
      acc |= data[pos++] << bits;
      bits += 8;
    }
    let code = acc & mask;
    acc >>>= size;
    bits -= size;
    if (code === clear) {
      size = minSize + 1; mask = (1 << size) - 1; next = end + 1; old = -1;
      continue;
    }
    if (code === end) break;
    if (old === -1) {
      out[op++] = suffix[code]; old = code; first = suffix[code];
      continue;
    }
    const read = code;
    let sp = 0;
    if (code >= next) { stack[sp++] = first; code = old; }
    while (code >= clear) { stack[sp++] = suffix[code]; code = prefix[code]; }
    first = suffix[code];
    stack[sp++] = first;
    while (sp > 0 && op < count) out[op++] = stack[--sp];
    if (next < 4096) {
      prefix[next] = old; suffix[next] = first; next++;
      if (next > mask && size < 12) { size++; mask = (1 << size) - 1; }
    }
    old = read;
  }
  return out;
}

function deinterlace(indices, w, h) {
  const out = new Uint8Array(indices.length);
  let row = 0;
  for (const [start, step] of [[0, 8], [4, 8], [2, 4], [1, 2]]) {
    for (let y = start; y < h; y += step, row++) {
      out.set(indices.subarray(row * w, row * w + w), y * w);
    }
  }
  return out;
}

function subBlocks(b, p) {
  // The data sub-blocks from p: their bytes, and the position after the terminator.
  let total = 0;
  for (let q = p; b[q] !== 0; q += b[q] + 1) total += b[q];
  const data = new Uint8Array(total);
  let o = 0;
  while (b[p] !== 0) { data.set(b.subarray(p + 1, p + 1 + b[p]), o); o += b[p]; p += b[p] + 1; }
  return [data, p + 1];
}

function parseGif(buffer) {
  const b = new Uint8Array(buffer);
  const width = b[6] | (b[7] << 8), height = b[8] | (b[9] << 8), flags = b[10];
  let p = 13, globalTable = null;
  if (flags & 0x80) { const n = 3 << ((flags & 7) + 1); globalTable = b.subarray(p, p + n); p += n; }
  const frames = [];
  let control = { disposal: 0, transparent: -1 };
  while (p < b.length) {
    const kind = b[p++];
    if (kind === 0x3b) break;
    if (kind === 0x21) {
      const label = b[p++];
      if (label === 0xf9) {
        const packed = b[p + 1];
        control = { disposal: (packed >> 2) & 7, transparent: packed & 1 ? b[p + 4] : -1 };
      }
      p = subBlocks(b, p)[1];
      continue;
    }
    if (kind !== 0x2c) break;
    const x = b[p] | (b[p + 1] << 8), y = b[p + 2] | (b[p + 3] << 8);
    const w = b[p + 4] | (b[p + 5] << 8), h = b[p + 6] | (b[p + 7] << 8), f = b[p + 8];
    p += 9;
    let table = globalTable;
    if (f & 0x80) { const n = 3 << ((f & 7) + 1); table = b.subarray(p, p + n); p += n; }
    const minSize = b[p++];
    const [data, after] = subBlocks(b, p);
    p = after;
    // Each frame's pixels are decoded when it is first drawn (indicesOf), so the
    // player is ready as soon as the files have arrived.
    frames.push({ x, y, w, h, data, minSize, interlaced: (f & 0x40) !== 0, indices: null,
                  table, ...control });
    control = { disposal: 0, transparent: -1 };
  }
  return { width, height, frames };
}

function indicesOf(f) {
  if (!f.indices) {
    const indices = lzw(f.minSize, f.data, f.w * f.h);
    f.indices = f.interlaced ? deinterlace(indices, f.w, f.h) : indices;
    f.data = null;
  }
  return f.indices;
}

class GifPanel {
  // frameOf[n]: the GIF frame on screen at frame n (a GIF stores a repeated frame once).
  constructor(gif, canvas, frameOf) {
    this.gif = gif;
    this.frameOf = frameOf && frameOf.length ? frameOf : null;
    this.ctx = canvas.getContext("2d");
    this.image = this.ctx.createImageData(gif.width, gif.height);
    this.at = -1;
    this.saved = null;
  }

  apply(i) {
    const frames = this.gif.frames, px = this.image.data, W = this.gif.width;
    const prev = i > 0 ? frames[i - 1] : null;
    if (prev && prev.disposal === 2) {
      for (let y = prev.y; y < prev.y + prev.h; y++) px.fill(0, (y * W + prev.x) * 4, (y * W + prev.x + prev.w) * 4);
    } else if (prev && prev.disposal === 3 && this.saved) {
      px.set(this.saved);
    }
    const f = frames[i];
    if (f.disposal === 3) this.saved = px.slice();
    const t = f.table, skip = f.transparent, indices = indicesOf(f);
    for (let y = 0; y < f.h; y++) {
      const row = (f.y + y) * W + f.x;
      if (f.y + y >= this.gif.height) break;
      for (let x = 0; x < f.w && f.x + x < W; x++) {
        const c = indices[y * f.w + x];
        if (c === skip) continue;
        const o = (row + x) * 4;
        px[o] = t[3 * c]; px[o + 1] = t[3 * c + 1]; px[o + 2] = t[3 * c + 2]; px[o + 3] = 255;
      }
    }
  }

  draw(n) {
    if (this.frameOf) n = this.frameOf[Math.min(n, this.frameOf.length - 1)];
    n = Math.min(n, this.gif.frames.length - 1);
    if (n < this.at) { this.image.data.fill(0); this.at = -1; this.saved = null; }
    for (let i = this.at + 1; i <= n; i++) this.apply(i);
    this.at = n;
    this.ctx.putImageData(this.image, 0, 0);
  }
}

class SheetPanel {
  constructor(img, columns, w, h, canvas) {
    Object.assign(this, { img, columns, w, h });
    this.ctx = canvas.getContext("2d");
  }

  draw(n) {
    const sx = (n % this.columns) * this.w, sy = Math.floor(n / this.columns) * this.h;
    this.ctx.drawImage(this.img, sx, sy, this.w, this.h, 0, 0, this.w, this.h);
  }
}

function mediaUrl(url) {
  // Media URLs are relative to the app's own address (Streamlit may be served under a path).
  return url.startsWith("data:") ? url : new URL(url.replace(/^\//, ""), document.baseURI).href;
}

function loadImage(url) {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = reject;
    img.src = mediaUrl(url);
  });
}

async function makePanel(spec, canvas, size) {
  if (spec.kind === "sheet") {
    return new SheetPanel(await loadImage(spec.url), spec.columns, size[0], size[1], canvas);
  }
  const response = await fetch(mediaUrl(spec.url));
  return new GifPanel(parseGif(await response.arrayBuffer()), canvas, spec.frames);
}

function element(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function build(root, data) {
  root.replaceChildren();
  const bar = element("div", "controls");
  const play = element("button", "play", "Pause");
  play.type = "button";
  const slider = element("input", "frame");
  Object.assign(slider, { type: "range", min: 1, max: data.durations.length, value: 1 });
  slider.setAttribute("aria-label", "Frame shown in every column");
  const where = element("span", "where");
  bar.append(play, slider, where);
  const grid = element("div", "grid");
  const canvases = data.panels.map((spec) => {
    const figure = element("figure", "panel");
    const canvas = element("canvas");
    [canvas.width, canvas.height] = data.size;
    canvas.dataset.title = spec.title;
    figure.append(element("figcaption", "title", spec.title), canvas);
    if (spec.caption) figure.append(element("div", "caption", spec.caption));
    grid.append(figure);
    return canvas;
  });
  root.append(bar, grid);
  return { play, slider, where, canvases };
}

export default function (component) {
  const { data, parentElement } = component;
  const root = parentElement.querySelector(".player");
  const ui = build(root, data);
  const durations = data.durations.map((d) => (d >= 20 ? d : 100));
  const total = durations.reduce((a, b) => a + b, 0);
  const state = { frame: 0, playing: true, start: performance.now(), panels: null, raf: 0 };
  // Each result's address, for tests that compare what is drawn with the GIF itself.
  root.__urls = data.panels.filter((p) => p.kind === "gif")
    .map((p) => ({ title: p.title, url: mediaUrl(p.url), frames: p.frames }));
  root.dataset.token = data.token;
  root.dataset.ready = "0";
  ui.where.textContent = "Loading the results…";

  function frameAt(ms) {
    let t = ms % total;
    for (let i = 0; i < durations.length; i++) { if (t < durations[i]) return i; t -= durations[i]; }
    return durations.length - 1;
  }

  function show(n) {
    state.frame = n;
    for (const [i, panel] of state.panels.entries()) {
      panel.draw(n);
      ui.canvases[i].dataset.frame = String(n + 1);
    }
    root.dataset.frame = String(n + 1);
    ui.slider.value = String(n + 1);
    ui.where.textContent = `frame ${n + 1} of ${durations.length}`;
  }

  function sharpen() {
    // Enlarged pictures keep hard pixel edges; reduced ones are smoothed.
    for (const c of ui.canvases) {
      c.style.imageRendering = c.clientWidth >= c.width ? "pixelated" : "auto";
    }
  }

  function tick(now) {
    if (state.playing) {
      const n = frameAt(now - state.start);
      if (n !== state.frame) show(n);
    }
    state.raf = requestAnimationFrame(tick);
  }

  function startAt(n) {
    const before = durations.slice(0, n).reduce((a, b) => a + b, 0);
    state.start = performance.now() - before;
  }

  ui.play.onclick = () => {
    state.playing = !state.playing;
    ui.play.textContent = state.playing ? "Pause" : "Play";
    if (state.playing) startAt(state.frame);
  };
  ui.slider.oninput = () => {
    state.playing = false;
    ui.play.textContent = "Play";
    if (state.panels) show(Number(ui.slider.value) - 1);
  };

  const observer = new ResizeObserver(sharpen);
  ui.canvases.forEach((c) => observer.observe(c));
  Promise.all(data.panels.map((spec, i) => makePanel(spec, ui.canvases[i], data.size)))
    .then((panels) => {
      state.panels = panels;
      show(0);
      startAt(0);
      sharpen();
      root.dataset.ready = "1";
      state.raf = requestAnimationFrame(tick);
    })
    .catch((err) => {
      root.dataset.ready = "error";
      ui.where.textContent = "The results could not be loaded: reload the page.";
      console.error(err);
    });

  return () => {
    cancelAnimationFrame(state.raf);
    observer.disconnect();
  };
}
