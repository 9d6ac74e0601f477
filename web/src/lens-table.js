// The lenses: one panel each that answers one question people ask about
// BatchNorm's running statistics, opened by the link (lens=freezing,...),
// named in panels= for an embed, or by the reader. Pure data: the DOM side is
// lenses.js. A new lens is one entry here plus its module (registered in main.js).

// name: the link's word; title: the panel's heading (a question); height: px
// the open panel needs at most in an embed (fittingHeight in embed-fields.js).
export const LENSES = Object.freeze([
  {
    name: "freezing",
    title: "Freezing BatchNorm: which of requires_grad=False, no_grad() and eval() stops it?",
    height: 560,
  },
  {
    name: "precise-bn",
    title: "Precise BN: re-estimating the statistics after training",
    height: 760,
  },
  {
    name: "batch-of-one",
    title: "A batch of one: why PyTorch refuses to train on it",
    height: 300,
  },
  {
    name: "probe",
    title: "Train vs eval mode: what does a fixed batch look like at inference?",
    height: 1000,
  },
  {
    name: "unbiased-variance",
    title: "Biased or unbiased: which variance does running_var keep?",
    height: 760,
  },
  {
    name: "conventions",
    title: "Momentum 0.1 or 0.99? PyTorch's convention against Keras's and Flax's",
    height: 900,
  },
  {
    name: "seeds",
    title: "Is this seed typical? The same run over hundreds of seeds",
    height: 1700,
  },
]);

export const LENS_NAMES = LENSES.map((l) => l.name);

export function lensByName(name) {
  return LENSES.find((l) => l.name === name) ?? null;
}

const RANGE = `a comma-separated list of ${LENS_NAMES.join(", ")}`;

export function lensRangeText() {
  return RANGE;
}

// "freezing,precise-bn" -> {ok, value: ["freezing", "precise-bn"]}; a lens
// named twice counts once; anything else is refused with the field's range.
export function parseLensList(text) {
  const bad = { ok: false, message: `lens must be ${RANGE}` };
  const t = String(text ?? "")
    .trim()
    .toLowerCase();
  if (!t || t.length > 200) return bad;
  const out = [];
  for (const name of t.split(",").map((s) => s.trim())) {
    if (!LENS_NAMES.includes(name)) return bad;
    if (!out.includes(name)) out.push(name);
  }
  return { ok: true, value: out };
}
