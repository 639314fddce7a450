// The site's pages as a pure function of what was read from the build: a
// page per file of dist/ (the kernel with its modules, the initrd's listing
// and module closure, the root's packages as a size treemap, the command
// line, runvm, the SBOM), the options of the composed schema, and the boot
// timeline from the bench. Every number on a page is one read from the build
// (or the bench's results file, named where it is shown).
import { bytes, esc, page, table, type NavLink } from "./html.js";
import type { DistFile, SiteData } from "./data.js";
import { squarify } from "./treemap.js";

type Json = any;
const prop = (c: Json, name: string): string | undefined => c?.properties?.find((p: Json) => p.name === `notos:${name}`)?.value;
const SBOM_FILES = ["sbom.cdx.json", "sbom.spdx.json"];

/** The page a dist/ file is shown on. */
export function pageOf(name: string): string {
  return SBOM_FILES.includes(name) ? "sbom.html" : `${name.replace(/[^A-Za-z0-9._-]/g, "_")}.html`;
}

function licenseText(c: Json): string {
  const l = c.licenses?.[0];
  return l?.license?.id ?? l?.expression ?? "NOASSERTION";
}

function debs(bom: Json, artifact: string): Json[] {
  return (bom?.components ?? []).filter((c: Json) => typeof c.purl === "string" && prop(c, "artifact") === artifact);
}

function artifactComponent(bom: Json, name: string): Json | undefined {
  return (bom?.components ?? []).find((c: Json) => c.type === "file" && prop(c, "artifact") === name);
}

function colour(label: string): string {
  let h = 0;
  for (const ch of label) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return `hsl(${h % 360} 45% 62%)`;
}

/** The root's bytes per package and layer as an inline SVG treemap. */
export function treemapSvg(items: ReadonlyArray<{ label: string; value: number }>, width = 960, height = 540): string {
  const rects = squarify(items, width, height);
  const cells = rects.map((r) => {
    const label = r.w > 60 && r.h > 16 ? `<text x="${(r.x + 4).toFixed(1)}" y="${(r.y + 14).toFixed(1)}" font-size="11">${esc(r.label)}</text>` : "";
    return `<g><title>${esc(r.label)}: ${r.value} bytes</title><rect x="${r.x.toFixed(1)}" y="${r.y.toFixed(1)}" width="${r.w.toFixed(1)}" height="${r.h.toFixed(1)}" fill="${colour(r.label)}" stroke="#fff"/>${label}</g>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="bytes in the root per package">\n${cells.join("\n")}\n</svg>`;
}

/** The bench's boot timeline as an SVG: one row per event, a bar to its host time. */
export function timelineSvg(events: ReadonlyArray<{ name: string; host?: number; guest?: number }>): string {
  const rows = events.filter((e) => typeof e.host === "number");
  const max = Math.max(...rows.map((e) => e.host!), 0.001);
  const width = 900;
  const label = 260;
  const scale = (width - label - 80) / max;
  const body = rows.map((e, i) => {
    const y = 10 + i * 24;
    return `<g><text x="0" y="${y + 13}" font-size="12">${esc(e.name)}</text><rect x="${label}" y="${y}" width="${(e.host! * scale).toFixed(1)}" height="16" fill="#4f7cac"/><text x="${(label + e.host! * scale + 6).toFixed(1)}" y="${y + 13}" font-size="12">${esc(e.host!.toFixed(2))} s</text></g>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${20 + rows.length * 24}" role="img" aria-label="boot timeline">\n${body.join("\n")}\n</svg>`;
}

function nav(data: SiteData): NavLink[] {
  const files = [...new Set(data.dist.map((f) => pageOf(f.name)))].map((href) => ({ href, label: href === "sbom.html" ? "SBOM" : href.replace(/\.html$/, "") }));
  return [{ href: "index.html", label: "overview" }, ...files, { href: "options.html", label: "options" }, { href: "boot.html", label: "boot timeline" }];
}

function fileFacts(f: DistFile): string {
  return table(["file", "size", "sha256"], [[`<code>dist/${esc(f.name)}</code>`, esc(bytes(f.size)), `<code>${esc(f.sha256)}</code>`]]);
}

function indexPage(data: SiteData): string {
  const tools = (data.bom?.metadata?.tools?.components ?? []).filter((t: Json) => t.group === "notos-builder");
  const body = [
    `<p>${esc(data.system.name)} ${esc(data.system.version)}: the files <code>notos dist</code> wrote, and what is in each.</p>`,
    "<h2>dist/</h2>",
    table(
      ["file", "size", "sha256"],
      data.dist.map((f) => [`<a href="${esc(pageOf(f.name))}">${esc(f.name)}</a>`, esc(bytes(f.size)), `<code>${esc(f.sha256)}</code>`]),
    ),
    "<h2>Builders</h2>",
    tools.length
      ? table(["builder", "version", "output digest"], tools.map((t: Json) => [esc(t.name), esc(t.version), `<code>${esc(prop(t, "digest") ?? "")}</code>`]))
      : `<p class="muted">This build has no SBOM (sbom.cdx.json), which lists the builders.</p>`,
  ];
  return page({ title: "Overview", system: data.system.name, nav: nav(data), body: body.join("\n") });
}

function kernelPage(data: SiteData, f: DistFile): string {
  const image = debs(data.bom, "kernel").find((c) => prop(c, "kernel-release") !== undefined);
  const modules = (image?.components ?? []).filter((m: Json) => prop(m, "kernel-module") !== undefined);
  const body = [
    fileFacts(f),
    image
      ? `<p>Kernel release <code>${esc(prop(image, "kernel-release"))}</code>, from the Debian package <code>${esc(image.name)}</code> ${esc(image.version)} (source ${esc(prop(image, "source"))}; license ${esc(licenseText(image))}).</p>`
      : `<p class="muted">No SBOM in this build: the kernel's package is not recorded.</p>`,
    `<h2>Modules in the initrd (${modules.length})</h2>`,
    table(["module", "file", "size"], modules.map((m: Json) => [`<code>${esc(prop(m, "kernel-module"))}</code>`, `<code>${esc(m.name)}</code>`, esc(bytes(Number(prop(m, "bytes") ?? 0)))]), [2]),
  ];
  return page({ title: "kernel", system: data.system.name, nav: nav(data), body: body.join("\n") });
}

function initrdPage(data: SiteData, f: DistFile): string {
  const members = data.initrd?.members ?? [];
  const modules = members.filter((m) => m.type === "file" && /\.ko(\.(xz|zst|gz))?$/.test(m.path));
  const fromDebs = debs(data.bom, "initrd");
  const body = [
    fileFacts(f),
    `<p>${members.length} members, as the kernel unpacks them; ${modules.length} kernel modules.</p>`,
    fromDebs.length ? `<p>Debian packages in it: ${fromDebs.map((c: Json) => `<code>${esc(c.name)}</code> ${esc(c.version)} (${esc(licenseText(c))})`).join(", ")}.</p>` : "",
    "<h2>Module closure</h2>",
    table(["module file", "size", "sha256"], modules.map((m) => [`<code>${esc(m.path)}</code>`, esc(bytes(m.size)), `<code>${esc(m.sha256 ?? "")}</code>`]), [1]),
    "<h2>Listing</h2>",
    table(
      ["path", "type", "mode", "owner", "size"],
      members.map((m) => [`<code>${esc(m.path)}</code>`, esc(m.type), `<code>${esc(m.mode)}</code>`, esc(`${m.uid}:${m.gid}`), m.type === "file" ? esc(m.size) : ""]),
      [4],
    ),
  ];
  return page({ title: "initrd", system: data.system.name, nav: nav(data), body: body.join("\n") });
}

function rootPage(data: SiteData, f: DistFile): string {
  const packages = debs(data.bom, "root.squashfs");
  const layers = (artifactComponent(data.bom, "root.squashfs")?.components ?? []).filter((c: Json) => c.type === "data");
  const items = [
    ...packages.map((c: Json) => ({ label: c.name as string, value: Number(prop(c, "root-bytes") ?? 0) })),
    ...layers.map((l: Json) => ({ label: l.name as string, value: Number(prop(l, "root-bytes") ?? 0) })),
  ];
  const total = items.reduce((n, i) => n + i.value, 0);
  const body = [
    fileFacts(f),
    packages.length
      ? `<p>${packages.length} Debian packages; ${esc(bytes(total))} of regular files in the root (uncompressed), per package and layer below.</p>\n<h2>Bytes per package</h2>\n${treemapSvg(items)}`
      : `<p class="muted">No SBOM in this build: the root's packages are not recorded.</p>`,
    "<h2>Packages</h2>",
    table(
      ["package", "version", "source", "license", "files", "bytes in the root"],
      [...packages]
        .sort((a: Json, b: Json) => Number(prop(b, "root-bytes")) - Number(prop(a, "root-bytes")) || (a.name < b.name ? -1 : 1))
        .map((c: Json) => [`<code>${esc(c.name)}</code>`, esc(c.version), esc(prop(c, "source") ?? ""), esc(licenseText(c)), esc(prop(c, "root-files") ?? ""), esc(bytes(Number(prop(c, "root-bytes") ?? 0)))]),
      [4, 5],
    ),
  ];
  return page({ title: "root.squashfs", system: data.system.name, nav: nav(data), body: body.join("\n") });
}

function textPage(data: SiteData, f: DistFile, text: string | undefined, intro: string): string {
  const params = f.name === "command-line" && text ? `<h2>Parameters</h2>\n<ul>${text.trim().split(/\s+/).map((p) => `<li><code>${esc(p)}</code></li>`).join("")}</ul>` : "";
  return page({ title: f.name, system: data.system.name, nav: nav(data), body: [fileFacts(f), `<p>${intro}</p>`, `<pre>${esc(text ?? "")}</pre>`, params].join("\n") });
}

function sbomPage(data: SiteData): string {
  const files = data.dist.filter((f) => SBOM_FILES.includes(f.name));
  const all = (data.bom?.components ?? []).filter((c: Json) => typeof c.purl === "string");
  const noAssertion = all.filter((c: Json) => !c.licenses).length;
  const body = [
    table(["file", "format", "size", "sha256"], files.map((f) => [`<a href="${esc(f.name)}">${esc(f.name)}</a>`, f.name.includes("spdx") ? "SPDX 2.3 JSON" : "CycloneDX 1.5 JSON", esc(bytes(f.size)), `<code>${esc(f.sha256)}</code>`])),
    `<p>${all.length} Debian packages; ${all.length - noAssertion} with licenses from a machine-readable copyright file, ${noAssertion} without (NOASSERTION).</p>`,
    table(
      ["package", "version", "in", "license", ".deb sha256"],
      all.map((c: Json) => [`<code>${esc(c.name)}</code>`, esc(c.version), esc(prop(c, "artifact") ?? ""), esc(licenseText(c)), `<code>${esc(c.hashes?.[0]?.content ?? "")}</code>`]),
    ),
  ];
  return page({ title: "SBOM", system: data.system.name, nav: nav(data), body: body.join("\n") });
}

function optionsPage(data: SiteData): string {
  const show = (v: unknown) => `<code>${esc(JSON.stringify(v))}</code>`;
  const rows = data.options.map((o) => [
    `<code id="${esc(o.path)}">${esc(o.path)}</code>`,
    esc(o.type),
    o.hasDefault ? show(o.default) : o.required ? "required" : "unset",
    o.value !== undefined && JSON.stringify(o.value) !== JSON.stringify(o.default) ? show(o.value) : "",
    esc(o.description ?? ""),
  ]);
  const body = [`<p>${data.options.length} options in this system's composed schema (as <code>notos options</code> lists them).</p>`, table(["option", "type", "default", "this system", "description"], rows)];
  return page({ title: "Options", system: data.system.name, nav: nav(data), body: body.join("\n") });
}

function bootPage(data: SiteData): string {
  const b = data.bench;
  const body = b
    ? [
        `<p>From the bench's results file <code>${esc(b.file)}</code>: ${esc(b.date)}, commit <code>${esc(b.commit.slice(0, 12))}</code>, median of ${esc(b.runs)} run(s), under TCG. Host clock: seconds since QEMU started.</p>`,
        timelineSvg(b.timeline),
        table(["event", "host s", "guest s"], b.timeline.map((e) => [esc(e.name), e.host !== undefined ? esc(e.host.toFixed(3)) : "", e.guest !== undefined ? esc(e.guest.toFixed(3)) : ""]), [1, 2]),
      ]
    : [`<p>No bench run recorded: run <code>npm run bench</code> (it writes <code>bench/results/latest.json</code>), then make the site again.</p>`];
  return page({ title: "Boot timeline", system: data.system.name, nav: nav(data), body: body.join("\n") });
}

function filePage(data: SiteData, f: DistFile): string {
  return page({ title: f.name, system: data.system.name, nav: nav(data), body: fileFacts(f) });
}

/** Every page of the site: file name → HTML. */
export function sitePages(data: SiteData): Map<string, string> {
  const pages = new Map<string, string>([["index.html", indexPage(data)]]);
  for (const f of data.dist) {
    const name = pageOf(f.name);
    if (pages.has(name)) continue;
    if (f.name === "kernel") pages.set(name, kernelPage(data, f));
    else if (f.name === "initrd") pages.set(name, initrdPage(data, f));
    else if (f.name === "root.squashfs") pages.set(name, rootPage(data, f));
    else if (f.name === "command-line") pages.set(name, textPage(data, f, data.commandLine, "The kernel command line runvm passes."));
    else if (f.name === "runvm") pages.set(name, textPage(data, f, data.runvm, "The launcher: it boots the kernel, the initrd and root.squashfs with QEMU."));
    else if (SBOM_FILES.includes(f.name)) pages.set(name, sbomPage(data));
    else pages.set(name, filePage(data, f));
  }
  pages.set("options.html", optionsPage(data));
  pages.set("boot.html", bootPage(data));
  return pages;
}
