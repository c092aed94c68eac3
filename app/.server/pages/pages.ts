import { AppError } from "~/lib/app-error";
import { type ColumnKind, columnHoldsArticles, mayReadPage } from "~/lib/org-pages";
import { type Grant } from "~/lib/permissions";
import { unitIdsOnPath } from "~/lib/unit-path";
import { audit } from "../audit";
import { prisma, sqlDb } from "../db";
import { reviewRequiredFor, submitForReview } from "../review/review";
import { syncSearchEntry } from "../search/site-entries";
import { execute, inList, sql } from "../sql";

// The "four in one" pages (docs/decisions/051): each unit's page is a list of columns its managers
// configure; a column holds articles, or shows the unit's notices, or links to its documents. Every
// read goes through `mayReadPage` on the unit found from the id asked for, and anything a person may
// not read is "not found", whatever the id.

export type PageReader = { id: number; unitId: number; grants: readonly Grant[] };

const NOT_FOUND = "没有找到该页面";
const ARTICLE_NOT_FOUND = "没有找到该文章";
const ARTICLES_PER_COLUMN = 10;

async function readerPath(reader: PageReader): Promise<string> {
  const unit = await prisma.orgUnit.findUniqueOrThrow({ where: { id: reader.unitId }, select: { path: true } });
  return unit.path;
}

async function readableUnit(reader: PageReader, unitId: number) {
  const unit = await prisma.orgUnit.findUnique({ where: { id: unitId }, select: { id: true, name: true, kind: true, path: true, archivedAt: true } });
  if (!unit || unit.archivedAt || !mayReadPage({ unitPath: await readerPath(reader), grants: reader.grants }, unit.path)) {
    throw new AppError("not_found", NOT_FOUND);
  }
  return unit;
}

/** The units whose pages a person reads from her home: every live unit on her path, the committee first. */
export async function pageLevelsOf(unitPath: string) {
  // Raw SQL: every home page reads it (decision 059).
  return sqlDb().all<{ id: number; name: string; kind: string; depth: number }>(
    sql`SELECT "id", "name", "kind", "depth" FROM "OrgUnit" WHERE "id" ${inList(unitIdsOnPath(unitPath))} AND "archivedAt" IS NULL ORDER BY "depth"`,
  );
}

const articleListColumns = { id: true, title: true, pinned: true, publishedAt: true, _count: { select: { reads: true } } } as const;

/** A unit's page as its reader sees it: the visible columns in order, each with its latest articles, pinned first. */
export async function unitPageFor(reader: PageReader, unitId: number) {
  const unit = await readableUnit(reader, unitId);
  const [levels, columns] = await Promise.all([
    pageLevelsOf(unit.path),
    prisma.pageColumn.findMany({
      where: { unitId, visible: true },
      select: {
        id: true,
        name: true,
        kind: true,
        articles: {
          where: { archivedAt: null },
          select: articleListColumns,
          orderBy: [{ pinned: "desc" }, { publishedAt: "desc" }, { id: "desc" }],
          take: ARTICLES_PER_COLUMN,
        },
      },
      orderBy: [{ sortOrder: "asc" }, { id: "asc" }],
    }),
  ]);
  const notices = columns.some((c) => c.kind === "notices")
    ? await prisma.notice.findMany({
        where: { unitId, archivedAt: null },
        select: { id: true, title: true, body: true, pinned: true, publishedAt: true },
        orderBy: [{ pinned: "desc" }, { publishedAt: "desc" }],
        take: ARTICLES_PER_COLUMN,
      })
    : [];
  return {
    unit: { id: unit.id, name: unit.name, kind: unit.kind },
    levels,
    columns: columns.map((c) => ({
      id: c.id,
      name: c.name,
      kind: c.kind as ColumnKind,
      articles: c.articles.map((a) => ({ id: a.id, title: a.title, pinned: a.pinned, publishedAt: a.publishedAt, readCount: a._count.reads })),
      notices: c.kind === "notices" ? notices : [],
    })),
  };
}

/**
 * An article of a unit's page for a person who may read that page, counting her read once: the
 * (article, person) key makes a second read, or two at once on two processes, change nothing.
 */
export async function readArticle(reader: PageReader, unitId: number, articleId: number) {
  const article = await prisma.pageArticle.findUnique({
    where: { id: articleId },
    select: {
      id: true,
      title: true,
      body: true,
      pinned: true,
      publishedAt: true,
      archivedAt: true,
      column: { select: { id: true, name: true, visible: true, unitId: true } },
      images: { select: { id: true, width: true, height: true, alt: true }, orderBy: { id: "asc" } },
    },
  });
  if (!article || article.archivedAt || !article.column.visible || article.column.unitId !== unitId) throw new AppError("not_found", ARTICLE_NOT_FOUND);
  const unit = await readableUnit(reader, unitId).catch(() => {
    throw new AppError("not_found", ARTICLE_NOT_FOUND);
  });
  await execute(
    prisma,
    sql`INSERT INTO "PageArticleRead" ("articleId", "personId", "readAt") VALUES (${articleId}, ${reader.id}, ${new Date()}) ON CONFLICT DO NOTHING`,
  );
  const readCount = await prisma.pageArticleRead.count({ where: { articleId } });
  const { archivedAt: _archived, column, ...rest } = article;
  return { ...rest, column: { id: column.id, name: column.name }, unit: { id: unit.id, name: unit.name }, readCount };
}

/** The articles a person opened (her own personal data, decision 033): title, unit and when first read. */
export async function articleReadsOf(personId: number) {
  return prisma.pageArticleRead.findMany({
    where: { personId },
    select: { readAt: true, article: { select: { title: true, column: { select: { unit: { select: { name: true } } } } } } },
    orderBy: { readAt: "asc" },
  });
}

// ---------- management ----------

/** The unit a column belongs to, or null when there is no such column (the route checks `pages:manage` over it). */
export async function columnUnitId(columnId: number): Promise<number | null> {
  return (await prisma.pageColumn.findUnique({ where: { id: columnId }, select: { unitId: true } }))?.unitId ?? null;
}

export async function articleUnitId(articleId: number): Promise<number | null> {
  return (await prisma.pageArticle.findUnique({ where: { id: articleId }, select: { column: { select: { unitId: true } } } }))?.column.unitId ?? null;
}

/** A unit's page as its managers see it: every column, hidden ones too, with every live article. */
export async function managedPage(unitId: number) {
  const unit = await prisma.orgUnit.findUnique({ where: { id: unitId }, select: { id: true, name: true, kind: true, archivedAt: true } });
  if (!unit || unit.archivedAt) throw new AppError("not_found", NOT_FOUND);
  const columns = await prisma.pageColumn.findMany({
    where: { unitId },
    select: {
      id: true,
      name: true,
      kind: true,
      visible: true,
      sortOrder: true,
      articles: { where: { archivedAt: null }, select: articleListColumns, orderBy: [{ pinned: "desc" }, { publishedAt: "desc" }, { id: "desc" }] },
    },
    orderBy: [{ sortOrder: "asc" }, { id: "asc" }],
  });
  return {
    unit: { id: unit.id, name: unit.name, kind: unit.kind },
    columns: columns.map((c) => ({
      ...c,
      kind: c.kind as ColumnKind,
      articles: c.articles.map((a) => ({ id: a.id, title: a.title, pinned: a.pinned, publishedAt: a.publishedAt, readCount: a._count.reads })),
    })),
  };
}

export type ColumnInput = { name: string; kind: ColumnKind; visible: boolean };

export async function addColumn(actorId: number, unitId: number, input: ColumnInput) {
  const column = await prisma.$transaction(async (tx) => {
    const unit = await tx.orgUnit.findUnique({ where: { id: unitId }, select: { archivedAt: true } });
    if (!unit || unit.archivedAt) throw new AppError("invalid", "该党组织不存在或已撤销");
    const last = await tx.pageColumn.findFirst({ where: { unitId }, select: { sortOrder: true }, orderBy: { sortOrder: "desc" } });
    return tx.pageColumn.create({ data: { unitId, ...input, sortOrder: (last?.sortOrder ?? 0) + 1 }, select: { id: true } });
  });
  await audit({ actorId, action: "page.column_create", targetKind: "page_column", targetId: column.id, detail: { unitId, kind: input.kind } });
  return column;
}

export async function updateColumn(actorId: number, columnId: number, input: ColumnInput) {
  await prisma.$transaction(async (tx) => {
    const column = await tx.pageColumn.findUniqueOrThrow({
      where: { id: columnId },
      select: { kind: true, _count: { select: { articles: { where: { archivedAt: null } } } } },
    });
    // Articles never vanish behind a kind that does not show them: move or take them down first.
    if (column._count.articles > 0 && !columnHoldsArticles(input.kind)) {
      throw new AppError("invalid", "该栏目下还有文章，不能改为“通知”或“文件下载”类型；请先撤下文章", { field: "kind" });
    }
    await tx.pageColumn.update({ where: { id: columnId }, data: input });
  });
  // A hidden column hides its articles from search too; shown again, they come back.
  const articles = await prisma.pageArticle.findMany({ where: { columnId }, select: { id: true } });
  for (const a of articles) await syncSearchEntry("article", a.id);
  await audit({ actorId, action: "page.column_update", targetKind: "page_column", targetId: columnId, detail: { ...input } });
}

/** Moves a column one place up or down among its unit's columns (the two swap their order). */
export async function moveColumn(actorId: number, columnId: number, direction: "up" | "down") {
  await prisma.$transaction(async (tx) => {
    const column = await tx.pageColumn.findUniqueOrThrow({ where: { id: columnId }, select: { unitId: true } });
    const all = await tx.pageColumn.findMany({ where: { unitId: column.unitId }, select: { id: true }, orderBy: [{ sortOrder: "asc" }, { id: "asc" }] });
    const i = all.findIndex((c) => c.id === columnId);
    const j = direction === "up" ? i - 1 : i + 1;
    if (j < 0 || j >= all.length) return;
    [all[i], all[j]] = [all[j]!, all[i]!];
    // Renumbered whole, so orders that were equal (or gapped) become a clean 1..n.
    for (const [n, c] of all.entries()) await tx.pageColumn.update({ where: { id: c.id }, data: { sortOrder: n + 1 } });
  });
  await audit({ actorId, action: "page.column_update", targetKind: "page_column", targetId: columnId, detail: { move: direction } });
}

export type ArticleInput = { title: string; body: string; pinned: boolean };

/** What posting or editing did: published at once, or put in the review queue (docs/decisions/052) when the unit requires review. */
export type ArticleOutcome = { published: true; id: number } | { published: false; reviewItemId: number };

export async function postArticle(actorId: number, columnId: number, input: ArticleInput): Promise<ArticleOutcome> {
  const column = await prisma.pageColumn.findUnique({ where: { id: columnId }, select: { kind: true, unitId: true } });
  if (!column) throw new AppError("not_found", "没有找到该栏目");
  if (!columnHoldsArticles(column.kind as ColumnKind)) throw new AppError("invalid", "该栏目类型不发布文章", { field: "columnId" });
  if (await reviewRequiredFor(column.unitId)) {
    const item = await submitForReview(actorId, { kind: "page_article", unitId: column.unitId, containerId: columnId, ...input });
    return { published: false, reviewItemId: item.id };
  }
  const article = await prisma.pageArticle.create({ data: { columnId, authorId: actorId, ...input }, select: { id: true } });
  await syncSearchEntry("article", article.id);
  await audit({ actorId, action: "page.article_post", targetKind: "page_article", targetId: article.id, detail: { columnId } });
  return { published: true, id: article.id };
}

/** An article for its editor: the live article with its images. */
export async function articleForEditing(articleId: number) {
  const article = await prisma.pageArticle.findUnique({
    where: { id: articleId },
    select: {
      id: true,
      title: true,
      body: true,
      pinned: true,
      archivedAt: true,
      column: { select: { id: true, name: true, unit: { select: { id: true, name: true } } } },
      images: { select: { id: true, width: true, height: true, bytes: true, alt: true }, orderBy: { id: "asc" } },
      _count: { select: { reads: true } },
    },
  });
  if (!article || article.archivedAt) throw new AppError("not_found", ARTICLE_NOT_FOUND);
  return article;
}

export async function updateArticle(actorId: number, articleId: number, input: ArticleInput): Promise<ArticleOutcome> {
  const live = await prisma.pageArticle.findFirst({ where: { id: articleId, archivedAt: null }, select: { column: { select: { unitId: true } } } });
  if (!live) throw new AppError("not_found", ARTICLE_NOT_FOUND);
  // Under review the published text stays as it is until someone else approves the edit.
  if (await reviewRequiredFor(live.column.unitId)) {
    const item = await submitForReview(actorId, { kind: "page_article", unitId: live.column.unitId, targetId: articleId, ...input });
    return { published: false, reviewItemId: item.id };
  }
  const changed = await prisma.pageArticle.updateMany({ where: { id: articleId, archivedAt: null }, data: input });
  if (changed.count === 0) throw new AppError("not_found", ARTICLE_NOT_FOUND);
  await syncSearchEntry("article", articleId);
  await audit({ actorId, action: "page.article_update", targetKind: "page_article", targetId: articleId, detail: { pinned: input.pinned } });
  return { published: true, id: articleId };
}

export async function archiveArticle(actorId: number, articleId: number) {
  const changed = await prisma.pageArticle.updateMany({ where: { id: articleId, archivedAt: null }, data: { archivedAt: new Date() } });
  if (changed.count === 0) throw new AppError("not_found", ARTICLE_NOT_FOUND);
  await syncSearchEntry("article", articleId);
  await audit({ actorId, action: "page.article_archive", targetKind: "page_article", targetId: articleId });
}
