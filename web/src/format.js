// The page's number formats, one per kind of number, so that the charts'
// tooltips, the lesson and the captions agree: statistics with four decimals
// (as the article's script prints them), sizes and distances with two
// significant digits, counts with thousands separators.

const int = new Intl.NumberFormat("en-US");

// A mean or a variance: -0.0628, 1.0812 (a true minus sign, never an exponent).
export function statText(v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return "–";
  const s = v.toFixed(4);
  return s.startsWith("-") ? (/^-0\.0+$/.test(s) ? s.slice(1) : "−" + s.slice(1)) : s;
}

// A small positive size (a distance, a standard deviation): two significant
// digits, 0.041, 0.0040, 4.0×10⁻⁶ below 10⁻⁴.
export function sizeText(v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return "–";
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1000) return int.format(Math.round(v));
  if (a >= 1e-4) return String(Number(v.toPrecision(2))).replace(/^-/, "−");
  const [mantissa, exponent] = v.toExponential(1).split("e");
  const sup = {
    "-": "⁻",
    "+": "",
    0: "⁰",
    1: "¹",
    2: "²",
    3: "³",
    4: "⁴",
    5: "⁵",
    6: "⁶",
    7: "⁷",
    8: "⁸",
    9: "⁹",
  };
  return `${mantissa}×10${[...exponent].map((c) => sup[c]).join("")}`;
}

export function countText(v) {
  return Number.isFinite(v) ? int.format(v) : "–";
}
