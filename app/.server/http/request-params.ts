import { type z } from "zod";

// Reading a route's URL the one way: an id in the path that is not a positive whole number is a page
// that does not exist (404, with the sentence the route gives); a query string that its schema refuses
// is a 400. Forms and bodies go through conform's parseWithZod instead (see manage.org.tsx).

const ID = /^[1-9]\d{0,14}$/;

/** An id in a path as `idParam` takes it: a positive whole number, written without a leading zero or sign. */
export const isId = (raw: string): boolean => ID.test(raw);

/** The id in a route parameter (`params.quizId`), or a 404 Response saying what was not found. */
export function idParam(raw: string | undefined, notFound: string): number {
  if (raw === undefined || !isId(raw)) throw new Response(notFound, { status: 404 });
  return Number(raw);
}

/**
 * The request's query string read by a zod object schema, or a 400 Response with `message`. An empty
 * value is absent, as conform treats an empty form field: a GET filter form sends its blank fields.
 */
export function searchParamsOf<S extends z.ZodType>(request: Request, schema: S, message = "查询参数有误"): z.output<S> {
  const present = [...new URL(request.url).searchParams].filter(([, value]) => value !== "");
  const parsed = schema.safeParse(Object.fromEntries(present));
  if (!parsed.success) throw new Response(message, { status: 400 });
  return parsed.data;
}
