import { expect } from "vitest";

// Reading a form the server rendered, as a browser without JavaScript gets it: the forms suites post
// plain forms and check that each error stands beside its field.

/** The text of the element with this id (React's text separators removed), or null. */
export function textOf(html: string, id: string): string | null {
  const m = new RegExp(`<[a-z]+ id="${id}"[^>]*>(.*?)</`).exec(html.replace(/<!-- -->/g, ""));
  return m ? m[1] : null;
}

/** The opening tag of the element with this id; the test fails when there is none. */
export function tagOf(html: string, id: string): string {
  const m = new RegExp(`<[a-z]+ [^>]*id="${id}"[^>]*>`).exec(html);
  expect(m, id).not.toBeNull();
  return m![0];
}

/** The field's error is beside it: the field names the error element, which holds the message. */
export function expectFieldError(html: string, fieldId: string, message: string) {
  expect(tagOf(html, fieldId)).toContain(`aria-describedby="${fieldId}-error"`);
  expect(tagOf(html, fieldId)).toContain('aria-invalid="true"');
  expect(textOf(html, `${fieldId}-error`)).toContain(message);
}
