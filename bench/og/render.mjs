// The same cards as shared/services/templates, built for satori (JSX as plain
// objects) and rasterised by resvg: what the spec's web app /og routes do.
// Reads {cases: [...], fonts: {...}, iterations, warmup} as JSON on stdin and
// prints one JSON line per case: {name, samples: [ms...], bytes}.
// Text sizes come from the Pillow renderer's layout report, so both draw the
// same text at the same size (satori does not fit text to a box by itself).

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const satori = require("satori").default;
const { Resvg } = require("@resvg/resvg-js");

const input = JSON.parse(readFileSync(0, "utf8"));
const fonts = [
  { name: "Inter", data: readFileSync(input.fonts.inter), weight: 400, style: "normal" },
  { name: "Serif", data: readFileSync(input.fonts.serif), weight: 400, style: "normal" },
];

const h = (type, style, ...children) => ({ type, props: { style: { display: "flex", ...style }, children } });
const text = (value, size, weight, color, extra = {}) =>
  h("div", { fontSize: size, fontWeight: weight, color, lineHeight: 1.2, ...extra }, value);
const img = (src, size, extra = {}) => ({ type: "img", props: { src, width: size, height: size, style: extra } });

function tweetImage(c, w, hgt, s, images) {
  const u = w / 1080;
  return h("div", { width: w - 128 * u, height: hgt - 128 * u, alignItems: "center", justifyContent: "center",
                    padding: 64 * u, backgroundImage: "linear-gradient(135deg, #1a4f7a, #0b0f1a)", fontFamily: "Inter" },
    h("div", { flexDirection: "column", width: w - 232 * u, padding: 52 * u, borderRadius: 36 * u,
               backgroundColor: "#151b29", boxShadow: "0 18px 40px rgba(0,0,0,0.45)" },
      h("div", { alignItems: "center" },
        images.avatar ? img(images.avatar, 88 * u, { borderRadius: 88 * u })
          : h("div", { width: 88 * u, height: 88 * u, borderRadius: 88 * u, backgroundColor: "#1D9BF0",
                       alignItems: "center", justifyContent: "center", color: "#fff", fontSize: 40 * u }, "M"),
        h("div", { flexDirection: "column", marginLeft: 22 * u },
          text(c.name || c.author, s.name || 34 * u, 700, "#f5f7fa"),
          text(c.author || "", s.author || 28 * u, 400, "#949eb0"))),
      text(c.title || "", s.title || 60 * u, 800, "#f5f7fa", { marginTop: 30 * u }),
      text(c.content || "", s.content || 42 * u, 400, "#f5f7fa", { marginTop: 14 * u, lineHeight: 1.32 }),
      c.date ? text(c.date, s.date || 24 * u, 500, "#949eb0", { marginTop: 30 * u }) : ""));
}

function videoThumbnail(c, w, hgt, s, images) {
  const u = w / 1080;
  const bg = images.background
    ? { backgroundImage: `url(${images.background})`, backgroundSize: "cover" }
    : { backgroundImage: "linear-gradient(135deg, #c4314b, #0a0a12)" };
  return h("div", { width: w, height: hgt, fontFamily: "Inter", ...bg },
    h("div", { width: w - 128 * u, height: hgt - 128 * u, flexDirection: "column", justifyContent: "flex-end",
               padding: 64 * u, backgroundImage: "linear-gradient(180deg, rgba(0,0,0,0.15), rgba(0,0,0,0.9))" },
      c.badge ? text(c.badge.toUpperCase(), s.badge || 30 * u, 800, "#fff",
                     { position: "absolute", top: 64 * u, left: 64 * u, padding: `${13 * u}px ${18 * u}px`,
                       borderRadius: 40 * u, backgroundColor: "#FF3D5A" }) : "",
      c.duration ? text(c.duration, s.duration || 30 * u, 700, "#fff",
                        { position: "absolute", top: 64 * u, right: 64 * u, padding: `${11 * u}px ${14 * u}px`,
                          borderRadius: 30 * u, backgroundColor: "rgba(0,0,0,0.75)" }) : "",
      h("div", { width: 120 * u, height: 10 * u, borderRadius: 5 * u, backgroundColor: "#FF3D5A",
                 marginBottom: 24 * u }),
      text(c.title, s.title || 118 * u, 900, "#fff", { lineHeight: 1.04, textShadow: "0 4px 12px rgba(0,0,0,0.6)" }),
      c.subtitle ? text(c.subtitle, s.subtitle || 36 * u, 500, "#ebeef5", { marginTop: 18 * u, lineHeight: 1.3 }) : ""));
}

function quoteCard(c, w, hgt, s, images) {
  const u = w / 1080;
  return h("div", { width: w - 160 * u, height: hgt - 160 * u, flexDirection: "column",
                    justifyContent: "space-between", padding: 80 * u, backgroundImage: "linear-gradient(135deg, #141622, #08090f)" },
    text("\u201c", s.mark || 190 * u, 400, "#F5B83D", { fontFamily: "Serif", lineHeight: 0.8 }),
    text(c.quote, s.quote || 76 * u, 400, "#f5f7fa", { fontFamily: "Serif", lineHeight: 1.18 }),
    h("div", { alignItems: "center", fontFamily: "Inter" },
      images.avatar ? img(images.avatar, 96 * u, { borderRadius: 96 * u })
        : h("div", { width: 96 * u, height: 96 * u, borderRadius: 96 * u, backgroundColor: "#F5B83D" }),
      h("div", { flexDirection: "column", marginLeft: 28 * u },
        text(c.author || "", s.author || 36 * u, 700, "#f5f7fa"),
        text(c.role || "", s.role || 28 * u, 400, "#949eb0"))));
}

function announcement(c, w, hgt, s, images) {
  const u = w / 1080;
  return h("div", { width: w - 144 * u, height: hgt - 144 * u, flexDirection: "column",
                    justifyContent: "space-between", padding: 72 * u, fontFamily: "Inter",
                    backgroundImage: "linear-gradient(135deg, #5b5bf7, #1c1d5c)" },
    text(c.brand || "", s.brand || 34 * u, 700, "#fff"),
    h("div", { flexDirection: "column" },
      text((c.label || "Announcement").toUpperCase(), s.label || 26 * u, 700, "#fff",
           { padding: `${13 * u}px ${20 * u}px`, borderRadius: 40 * u, backgroundColor: "rgba(255,255,255,0.16)",
             alignSelf: "flex-start" }),
      text(c.headline, s.headline || 92 * u, 800, "#fff", { marginTop: 36 * u, lineHeight: 1.06 }),
      c.body ? text(c.body, s.body || 34 * u, 400, "#d7dbeb", { marginTop: 24 * u, lineHeight: 1.35 }) : ""),
    h("div", { justifyContent: "space-between", alignItems: "center" },
      c.cta ? text(c.cta, s.cta || 32 * u, 700, "#111827",
                   { padding: `${24 * u}px ${32 * u}px`, borderRadius: 60 * u, backgroundColor: "#fff" }) : "",
      c.date ? text(c.date, s.date || 28 * u, 500, "#d7dbeb") : ""));
}

const BUILDERS = { tweetImage, videoThumbnail, quoteCard, announcement };

async function once(kase) {
  const element = BUILDERS[kase.slug](kase.config, kase.width, kase.height, kase.sizes, kase.images);
  const svg = await satori(element, { width: kase.width, height: kase.height, fonts });
  const png = new Resvg(svg, { fitTo: { mode: "original" } }).render().asPng();
  if (input.dump) {
    mkdirSync(input.dump, { recursive: true });
    writeFileSync(`${input.dump}/${kase.name.replace(/[ :]/g, "-")}.png`, png);
  }
  return png.length;
}

for (const kase of input.cases) {
  for (let i = 0; i < input.warmup; i++) await once(kase);
  const samples = [];
  let bytes = 0;
  for (let i = 0; i < input.iterations; i++) {
    const started = process.hrtime.bigint();
    bytes = await once(kase);
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  process.stdout.write(JSON.stringify({ name: kase.name, samples, bytes }) + "\n");
}
