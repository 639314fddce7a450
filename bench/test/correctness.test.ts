// The bench's two correctness checks, run by `npm test`: sizes within the
// committed budgets, and two clean builds in different directories giving
// byte-identical dist files. Timings are the bench's business, never a test's.
import { describe, expect, it } from "vitest";
import { describeOverrun, measureSizes } from "../src/cases/sizes.js";
import { runRepro } from "../src/cases/repro.js";

describe("bench correctness", () => {
  it("keeps every artifact within its budget (bench/budgets.json)", async () => {
    const sizes = await measureSizes();
    expect(sizes.budgets.length).toBeGreaterThan(0);
    expect(sizes.budgets.filter((b) => b.over > 0).map(describeOverrun)).toEqual([]);
  });

  it("builds byte-identical kernel, initrd, root.squashfs and command-line from clean stores in two directories", async () => {
    // Both builds at once: only their bytes matter here (the bench times them one by one).
    const repro = await runRepro({ parallel: true });
    const differences = repro.files.filter((f) => !f.same).map((f) => ({ file: f.name, first: f.details.map((d) => `${d.path}: ${d.what}`) }));
    expect(differences).toEqual([]);
  });
});
