import { type LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/.server/auth/guard";
import { idParam } from "~/.server/http/request-params";
import { imageResponse } from "~/.server/pages/page-images";

// An image of a page article, for people who may read the article's page; 404 for anyone else,
// like an unknown id. /page-images/:imageId

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return imageResponse(user, idParam(params.imageId, "图片不存在"));
}
