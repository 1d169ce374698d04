// Drives Gazette's WordPress-compatible API with wpapi, the WordPress REST API client
// library, as an app or a newsletter tool would: discovery from the site's home page, then
// the routes it found. Prints one JSON object of what it saw; the Python test checks it.
// Usage: node client.js BASE_URL JSON_FIXTURES
"use strict";

const WPAPI = require("wpapi");

async function main() {
  const [base, fixturesJson] = process.argv.slice(2);
  const fx = JSON.parse(fixturesJson);
  const out = {};

  // Discovery: HEAD the home page, follow Link rel="https://api.w.org/", read /wp-json/.
  const site = await WPAPI.discover(base);

  const all = await site.posts();
  out.titles = all.map((p) => p.title.rendered);
  out.total = all._paging.total;
  out.totalPages = all._paging.totalPages;

  const second = await site.posts().perPage(1).page(2);
  out.pageTwo = second.map((p) => p.title.rendered);
  out.pageTwoPaging = { total: second._paging.total, totalPages: second._paging.totalPages };
  out.lastHasNext = Boolean(second._paging.next);
  const first = await site.posts().perPage(1);
  out.nextPage = (await first._paging.next.get()).map((p) => p.title.rendered);

  out.search = (await site.posts().search("strike")).map((p) => p.title.rendered);
  out.byCategory = (await site.posts().categories(fx.world)).map((p) => p.title.rendered);
  out.byTag = (await site.posts().tags(fx.labour)).map((p) => p.title.rendered);
  out.bySlug = (await site.posts().slug(fx.fireSlug)).map((p) => p.title.rendered);
  out.before = (await site.posts().before(new Date(fx.between))).map((p) => p.title.rendered);
  out.after = (await site.posts().after(new Date(fx.between))).map((p) => p.title.rendered);
  out.ascending = (await site.posts().order("asc").orderby("title")).map(
    (p) => p.title.rendered
  );
  const embedded = await site.posts().embed().perPage(1);
  out.embeddedAuthor = embedded[0]._embedded.author[0].name;
  out.embeddedTerms = embedded[0]._embedded["wp:term"].map((terms) => terms.map((t) => t.slug));
  out.one = (await site.posts().id(fx.strike)).title.rendered;
  // Unknown parameters are ignored, as WordPress ignores them.
  out.withLocale = (await site.posts().param("_locale", "user")).length;

  out.categories = (await site.categories()).map((c) => [c.slug, c.count]);
  out.tags = (await site.tags()).map((t) => t.slug);
  out.users = (await site.users()).map((u) => u.name);
  out.media = (await site.media()).length;
  out.pages = (await site.pages()).length;
  out.comments = (await site.comments().forPost(fx.strike)).map((c) => c.author_name);

  const created = await site.comments().create({
    post: fx.strike,
    author_name: "Client reader",
    author_email: "client@example.com",
    content: "Posted through wpapi.",
  });
  out.created = { id: created.id, status: created.status, hasEmail: "author_email" in created };

  try {
    await site.posts().id(fx.draft);
    out.draft = "visible";
  } catch (error) {
    out.draft = error.code || String(error);
  }
  try {
    await site.posts().perPage(10).page(99);
    out.beyond = "answered";
  } catch (error) {
    out.beyond = error.code || String(error);
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch((error) => {
  process.stderr.write(`wpapi client failed: ${error && (error.stack || JSON.stringify(error))}\n`);
  process.exit(1);
});
