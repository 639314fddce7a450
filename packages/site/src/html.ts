// HTML as strings, escaped at one place: the page frame (title, the
// navigation every page shares, the style), tables, and numbers written as
// the build gave them (bytes with a unit beside the exact count).
export const esc = (value: unknown): string =>
  String(value).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** "19812352 bytes (18.9 MiB)": the exact count, and a reading aid derived from it. */
export function bytes(n: number): string {
  const units = ["KiB", "MiB", "GiB"];
  let v = n;
  let unit = "";
  for (const u of units) {
    if (v < 1024) break;
    v /= 1024;
    unit = u;
  }
  return unit ? `${n} bytes (${v.toFixed(1)} ${unit})` : `${n} bytes`;
}

export interface NavLink {
  href: string;
  label: string;
}

const STYLE = `
body { font-family: system-ui, sans-serif; margin: 0; color: #1d232b; background: #fbfbfa; }
header { background: #1f3b57; color: #fff; padding: 0.8rem 1.5rem; }
header a { color: #fff; }
nav { display: flex; flex-wrap: wrap; gap: 0.4rem 1rem; padding: 0.6rem 1.5rem; background: #e8edf2; }
nav a { color: #1f3b57; }
main { padding: 1rem 1.5rem 3rem; max-width: 80rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; font-size: 0.9rem; }
th, td { border-bottom: 1px solid #d5dbe1; padding: 0.25rem 0.6rem; text-align: left; vertical-align: top; }
th { background: #eef1f4; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
code, pre { font-family: ui-monospace, monospace; font-size: 0.85rem; }
pre { background: #f1f3f5; padding: 0.8rem; overflow-x: auto; }
.muted { color: #5b6670; }
svg text { font-family: system-ui, sans-serif; }
`;

/** A whole page: the shared navigation, a heading, the body. */
export function page(options: { title: string; system: string; nav: readonly NavLink[]; body: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(options.title)} — ${esc(options.system)}</title>
<style>${STYLE}</style>
</head>
<body>
<header><a href="index.html">${esc(options.system)}</a> · what the build put into dist/</header>
<nav>${options.nav.map((l) => `<a href="${esc(l.href)}">${esc(l.label)}</a>`).join("\n")}</nav>
<main>
<h1>${esc(options.title)}</h1>
${options.body}
</main>
</body>
</html>
`;
}

/** A table: header cells, then rows of cells already escaped (use `esc`), numeric columns right-aligned. */
export function table(head: readonly string[], rows: readonly (readonly string[])[], numeric: readonly number[] = []): string {
  const cell = (c: string, i: number, tag: "td" | "th") => `<${tag}${tag === "td" && numeric.includes(i) ? ' class="n"' : ""}>${c}</${tag}>`;
  return `<table>\n<thead><tr>${head.map((h, i) => cell(esc(h), i, "th")).join("")}</tr></thead>\n<tbody>\n${rows.map((r) => `<tr>${r.map((c, i) => cell(c, i, "td")).join("")}</tr>`).join("\n")}\n</tbody>\n</table>`;
}
