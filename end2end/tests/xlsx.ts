// Reads the cells of an .xlsx file well enough to check what examhall exports: the sheet
// names in order and each sheet's rows as text. An .xlsx is a zip of XML parts; this reads
// the zip's central directory and inflates the parts it needs with Node's zlib, so the
// tests need no spreadsheet package.

import { inflateRawSync } from "node:zlib";

function parts(zip: Buffer): Map<string, Buffer> {
  // The end-of-central-directory record is in the last 64 KiB + 22 bytes.
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 65_558); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error("not a zip file");
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const out = new Map<string, Buffer>();
  for (let n = 0; n < count; n++) {
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLen = zip.readUInt16LE(at + 28);
    const extraLen = zip.readUInt16LE(at + 30);
    const commentLen = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLen).toString("utf8");
    const dataAt = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(dataAt, dataAt + size);
    out.set(name, method === 8 ? inflateRawSync(data) : Buffer.from(data));
    at += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

function unescape(s: string): string {
  return s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
}

export interface Workbook {
  sheets: string[];
  /** Rows of a sheet, each cell as its text (numbers as written in the file). */
  rows(sheet: string): string[][];
}

export function readXlsx(bytes: Buffer): Workbook {
  const files = parts(bytes);
  const text = (name: string) => files.get(name)?.toString("utf8") ?? "";
  const sheets = [...text("xl/workbook.xml").matchAll(/<sheet [^>]*name="([^"]*)"/g)].map((m) => unescape(m[1]));
  const shared = [...text("xl/sharedStrings.xml").matchAll(/<si>([\s\S]*?)<\/si>/g)].map((m) =>
    unescape([...m[1].matchAll(/<t[^>]*>([\s\S]*?)<\/t>/g)].map((t) => t[1]).join("")),
  );
  return {
    sheets,
    rows(sheet: string): string[][] {
      const index = sheets.indexOf(sheet);
      if (index < 0) throw new Error(`no sheet ${sheet}`);
      const xml = text(`xl/worksheets/sheet${index + 1}.xml`);
      return [...xml.matchAll(/<row[^>]*>([\s\S]*?)<\/row>/g)].map((row) =>
        [...row[1].matchAll(/<c ([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)].map((c) => {
          const value = /<v>([\s\S]*?)<\/v>/.exec(c[2] ?? "")?.[1] ?? "";
          const inline = /<t[^>]*>([\s\S]*?)<\/t>/.exec(c[2] ?? "")?.[1];
          if (/t="s"/.test(c[1])) return shared[Number(value)] ?? "";
          if (inline !== undefined) return unescape(inline);
          return unescape(value);
        }),
      );
    },
  };
}
