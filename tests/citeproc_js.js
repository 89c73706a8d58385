// The tests' citation oracle: citeproc-js (the CSL processor of Zotero and Mendeley), installed by
// scripts/install-test-tools. Reads {items, styles: {name: {path, lang}}, locales, format} on stdin and
// writes {style: {item id: bibliography entry}}.
const path = require("path");
const fs = require("fs");
const CSL = require(path.join(__dirname, "..", ".cache", "test-tools", "node_modules", "citeproc"));

const input = JSON.parse(fs.readFileSync(0, "utf8"));
const items = Object.fromEntries(input.items.map((item) => [item.id, item]));
const sys = {
  retrieveLocale: (lang) => {
    const file = path.join(input.locales, `locales-${lang}.xml`);
    return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : false;
  },
  retrieveItem: (id) => items[id],
};
const result = {};
for (const [name, style] of Object.entries(input.styles)) {
  const engine = new CSL.Engine(sys, fs.readFileSync(style.path, "utf8"), style.lang, true);
  engine.setOutputFormat(input.format);
  engine.updateItems(Object.keys(items));
  const [meta, entries] = engine.makeBibliography();
  result[name] = Object.fromEntries(meta.entry_ids.map((ids, index) => [ids[0], entries[index].trim()]));
}
process.stdout.write(JSON.stringify(result));
