// The boot timeline as an SVG a person can read: boot phases as a coloured
// band on top, then one row per event on a common axis (seconds since QEMU
// start), guest-clock events drawn hollow, and the floor as a dashed line.
import { onHostAxis, type TimelineEvent } from "./timeline.js";

const W = 1000;
const LABEL = 270;
const RIGHT = 40;
const ROW = 22;
const TOP = 92;

/** Phases between console marks: [from, to, name, colour]. */
const PHASES: [string | null, string, string, string][] = [
  [null, "kernel starts (first kernel line)", "firmware, kernel load", "#d9d9d9"],
  ["kernel starts (first kernel line)", "stage 1 starts", "kernel", "#9ecae1"],
  ["stage 1 starts", "stage 2 starts", "stage 1", "#a1d99b"],
  ["stage 2 starts", "runit stage 2 starts", "stage 2, runit stage 1", "#fdd0a2"],
  ["runit stage 2 starts", "ssh … true succeeds", "runit stage 2: services", "#fcbba1"],
];

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export function timelineSvg(events: readonly TimelineEvent[], options: { floor?: number; title?: string } = {}): string {
  const points = onHostAxis(events);
  const end = Math.max(...points.map((p) => p.at), options.floor ?? 0);
  const span = Math.ceil(end + 0.5);
  const x = (t: number) => LABEL + ((W - LABEL - RIGHT) * t) / span;
  const height = TOP + points.length * ROW + 50;
  const at = (name: string) => points.find((p) => p.name === name)?.at;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${height}" fill="white"/>`,
    `<text x="10" y="20" font-size="15" font-weight="bold">${esc(options.title ?? "notos boot timeline (TCG)")}</text>`,
    `<text x="10" y="38" fill="#555">seconds since QEMU start; filled: host clock (console line arrival), hollow: guest clock (uptime, shifted by the kernel's "Run /init" stamp)</text>`,
  ];
  // Grid and axis.
  for (let s = 0; s <= span; s++) {
    out.push(`<line x1="${x(s)}" y1="${TOP - 30}" x2="${x(s)}" y2="${height - 40}" stroke="#eee"/>`);
    out.push(`<text x="${x(s)}" y="${height - 25}" text-anchor="middle" fill="#555">${s}</text>`);
  }
  out.push(`<text x="${(LABEL + W - RIGHT) / 2}" y="${height - 8}" text-anchor="middle" fill="#555">s</text>`);
  // Phase band.
  for (const [from, to, name, colour] of PHASES) {
    const a = from === null ? 0 : at(from);
    const b = at(to);
    if (a === undefined || b === undefined || b <= a) continue;
    out.push(`<rect x="${x(a)}" y="${TOP - 30}" width="${x(b) - x(a)}" height="20" fill="${colour}"><title>${esc(name)}: ${(b - a).toFixed(2)} s</title></rect>`);
    if (x(b) - x(a) > name.length * 6.5 + 8) out.push(`<text x="${x(a) + 4}" y="${TOP - 16}" font-size="11">${esc(name)}</text>`);
  }
  out.push(`<text x="${LABEL - 10}" y="${TOP - 16}" text-anchor="end" font-weight="bold">phases</text>`);
  if (options.floor !== undefined) {
    out.push(`<line x1="${x(options.floor)}" y1="${TOP - 34}" x2="${x(options.floor)}" y2="${height - 40}" stroke="#333" stroke-dasharray="4 3"/>`);
    out.push(`<text x="${x(options.floor) + 4}" y="${height - 42}" fill="#333">floor ${options.floor.toFixed(2)} s</text>`);
  }
  // One row per event.
  points.forEach((p, i) => {
    const y = TOP + i * ROW + ROW / 2;
    const filled = p.clock === "host";
    out.push(`<text x="${LABEL - 10}" y="${y + 4}" text-anchor="end">${esc(p.name)}</text>`);
    out.push(`<line x1="${LABEL}" y1="${y}" x2="${x(p.at)}" y2="${y}" stroke="#ccc"/>`);
    out.push(`<circle cx="${x(p.at)}" cy="${y}" r="5" fill="${filled ? "#3182bd" : "white"}" stroke="#3182bd" stroke-width="2"/>`);
    out.push(`<text x="${x(p.at) + 9}" y="${y + 4}" fill="#333">${p.at.toFixed(2)}</text>`);
  });
  out.push("</svg>");
  return out.join("\n") + "\n";
}
