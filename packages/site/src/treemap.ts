// A squarified treemap (Bruls, Huizing, van Wijk): rectangles whose areas
// are the values, laid out row by row so each stays close to a square. Pure:
// values in, rectangles out; the page draws them as SVG.
export interface TreemapItem {
  label: string;
  value: number;
}

export interface TreemapRect extends TreemapItem {
  x: number;
  y: number;
  w: number;
  h: number;
}

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

function worst(row: readonly number[], side: number): number {
  const sum = row.reduce((a, b) => a + b, 0);
  const max = Math.max(...row);
  const min = Math.min(...row);
  return Math.max((side * side * max) / (sum * sum), (sum * sum) / (side * side * min));
}

/** Lay out positive values (largest first) in a w × h box. Zero values are left out. */
export function squarify(items: readonly TreemapItem[], width: number, height: number): TreemapRect[] {
  const sorted = items.filter((i) => i.value > 0).sort((a, b) => b.value - a.value || (a.label < b.label ? -1 : 1));
  const total = sorted.reduce((n, i) => n + i.value, 0);
  if (total === 0) return [];
  const scale = (width * height) / total;
  const areas = sorted.map((i) => i.value * scale);
  const out: TreemapRect[] = [];
  let box: Box = { x: 0, y: 0, w: width, h: height };
  let i = 0;
  while (i < areas.length) {
    const side = Math.min(box.w, box.h);
    const row = [areas[i]!];
    let j = i + 1;
    while (j < areas.length && worst([...row, areas[j]!], side) <= worst(row, side)) row.push(areas[j++]!);
    const sum = row.reduce((a, b) => a + b, 0);
    if (box.w >= box.h) {
      // A column on the left.
      const colW = sum / box.h;
      let y = box.y;
      row.forEach((a, k) => {
        const h = a / colW;
        out.push({ ...sorted[i + k]!, x: box.x, y, w: colW, h });
        y += h;
      });
      box = { x: box.x + colW, y: box.y, w: box.w - colW, h: box.h };
    } else {
      // A row along the top.
      const rowH = sum / box.w;
      let x = box.x;
      row.forEach((a, k) => {
        const w = a / rowH;
        out.push({ ...sorted[i + k]!, x, y: box.y, w, h: rowH });
        x += w;
      });
      box = { x: box.x, y: box.y + rowH, w: box.w, h: box.h - rowH };
    }
    i = j;
  }
  return out;
}
