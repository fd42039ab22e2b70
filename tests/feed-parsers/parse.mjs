// Reads one feed file with two independent npm parsers and prints, for each, what it sees of the
// items, so the .NET tests can check that readers agree with what the writers wrote:
//
//   node tests/feed-parsers/parse.mjs <feed file>
//   {"rss-parser": {"items": [{"id", "title", "link", "date", "updated", "text"}]}, "feed-extractor": {"items": [...]}}
//
// Each parser's own idea of an item is printed as is (its id, title, link and date; the updated
// date where the format has one, and the text it shows: what tells a reader an item changed), not
// normalised here: differences are what the test is for. A parser that cannot read the format
// says {"skipped": why}; one that fails says {"error": message}. Both parsers are pinned in the
// repository's package.json.
import { readFile } from 'node:fs/promises';
import Parser from 'rss-parser';
import { extractFromJson, extractFromXml } from '@extractus/feed-extractor';

const file = process.argv[2];
if (!file) {
  console.error('usage: node tests/feed-parsers/parse.mjs <feed file>');
  process.exit(2);
}

const text = await readFile(file, 'utf8');
const isJson = text.trimStart().startsWith('{');
const orNull = (value) => (value === undefined || value === '' ? null : value);
const result = {};

if (isJson) {
  result['rss-parser'] = { skipped: 'rss-parser reads RSS and Atom only, not JSON Feed' };
} else {
  try {
    // 'updated' is Atom's, which rss-parser reads only when asked for.
    const feed = await new Parser({ customFields: { item: ['updated'] } }).parseString(text);
    result['rss-parser'] = {
      items: feed.items.map((item) => ({
        id: orNull(item.guid ?? item.id),
        title: orNull(item.title),
        link: orNull(item.link),
        date: orNull(item.isoDate),
        updated: orNull(item.updated),
        text: orNull(item.contentSnippet ?? item.summary),
      })),
    };
  } catch (error) {
    result['rss-parser'] = { error: String(error?.message ?? error) };
  }
}

try {
  // No truncation of descriptions and ISO dates: we compare items, not excerpts.
  const options = {
    descriptionMaxLen: 0,
    useISODateFormat: true,
    getExtraEntryFields: (raw) => ({ updated: raw.updated ?? raw.date_modified ?? null }),
  };
  const feed = isJson ? extractFromJson(text, options) : extractFromXml(text, options);
  result['feed-extractor'] = {
    items: feed.entries.map((entry) => ({
      id: orNull(entry.id),
      title: orNull(entry.title),
      link: orNull(entry.link),
      date: orNull(entry.published),
      updated: orNull(entry.updated),
      text: orNull(entry.description),
    })),
  };
} catch (error) {
  result['feed-extractor'] = { error: String(error?.message ?? error) };
}

process.stdout.write(JSON.stringify(result, null, 2) + '\n');
