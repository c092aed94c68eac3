import { type LoaderFunctionArgs } from "@remix-run/node";
import { requirePersonInScope } from "~/.server/auth/guard";
import { idParam } from "~/.server/http/request-params";
import { documentResponse } from "~/.server/pipeline/documents";

// A document of a person's development file, for those who may see the person (their secretaries);
// anyone else is refused like any page of a person outside their scope.

export async function loader({ request, params }: LoaderFunctionArgs) {
  const personId = idParam(params.personId, "人员不存在");
  const { user } = await requirePersonInScope(request, "people:view", personId);
  return documentResponse(user.id, personId, idParam(params.documentId, "文件不存在"));
}
