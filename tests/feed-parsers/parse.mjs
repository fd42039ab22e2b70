// Reads one feed file with two independent npm parsers and prints, for each, what it sees of the
// items, so the .NET tests can check that readers agree with what the writers wrote:
//
//   node tests/feed-parsers/parse.mjs <feed file>
//   {"rss-parser": {"items": [{"id", "title", "link", "date"}]}, "feed-extractor": {"items": [...]}}
//
// Each parser's own idea of an item is printed as is (its id, title, link and date), not
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
    const feed = await new Parser().parseString(text);
    result['rss-parser'] = {
      items: feed.items.map((item) => ({
        id: orNull(item.guid ?? item.id),
        title: orNull(item.title),
        link: orNull(item.link),
        date: orNull(item.isoDate),
      })),
    };
  } catch (error) {
    result['rss-parser'] = { error: String(error?.message ?? error) };
  }
}

try {
  // No truncation of descriptions and ISO dates: we compare items, not excerpts.
  const options = { descriptionMaxLen: 0, useISODateFormat: true };
  const feed = isJson ? extractFromJson(text, options) : extractFromXml(text, options);
  result['feed-extractor'] = {
    items: feed.entries.map((entry) => ({
      id: orNull(entry.id),
      title: orNull(entry.title),
      link: orNull(entry.link),
      date: orNull(entry.published),
    })),
  };
} catch (error) {
  result['feed-extractor'] = { error: String(error?.message ?? error) };
}

process.stdout.write(JSON.stringify(result, null, 2) + '\n');
