// Which module fills which lens panel (names from lens-table.js): one line
// per lens, so that a new lens touches this file and the table only.
import { freezingLens } from "./lens-freezing.js";
import { preciseBnLens } from "./lens-precise-bn.js";
import { batchOfOneLens } from "./lens-batch-of-one.js";
import { probeLens } from "./lens-probe.js";
import { varianceLens } from "./lens-variance.js";
import { conventionsLens } from "./lens-conventions.js";
import { seedsLens } from "./lens-seeds.js";

export function registerLenses(lenses, shared) {
  lenses.register("freezing", (ctx) => freezingLens({ ...ctx, ...shared }));
  lenses.register("precise-bn", (ctx) => preciseBnLens({ ...ctx, ...shared }));
  lenses.register("batch-of-one", (ctx) => batchOfOneLens({ ...ctx, ...shared }));
  lenses.register("probe", (ctx) => probeLens({ ...ctx, ...shared }));
  lenses.register("unbiased-variance", (ctx) => varianceLens({ ...ctx, ...shared }));
  lenses.register("conventions", (ctx) => conventionsLens({ ...ctx, ...shared }));
  lenses.register("seeds", (ctx) => seedsLens({ ...ctx, ...shared }));
}
