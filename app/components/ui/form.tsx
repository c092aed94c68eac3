import { type FieldMetadata } from "@conform-to/react";
import { type ReactNode } from "react";

// Small form pieces shared by every page, styled for a phone first.

export function Field({
  label,
  htmlFor,
  errors,
  errorId,
  children,
}: {
  label: string;
  htmlFor: string;
  errors?: string[];
  errorId?: string;
  children: ReactNode;
}) {
  return (
    <div className="mb-4">
      <label htmlFor={htmlFor} className="mb-1 block text-sm font-medium text-stone-700">
        {label}
      </label>
      {children}
      {errors?.length ? (
        <p id={errorId} className="mt-1 text-sm text-red-700" role="alert">
          {errors.join("；")}
        </p>
      ) : null}
    </div>
  );
}

export const inputClass =
  "block w-full rounded-md border border-stone-300 bg-white px-3 py-2 text-base focus:border-party focus:outline-none focus:ring-1 focus:ring-party";

export const buttonClass =
  "inline-flex items-center justify-center rounded-md bg-party px-4 py-2 font-medium text-white hover:bg-party-dark disabled:opacity-60";

export const secondaryButtonClass =
  "inline-flex items-center justify-center rounded-md border border-stone-300 bg-white px-3 py-1.5 text-sm text-stone-800 hover:bg-stone-100";

export function FormMessage({ messages }: { messages?: string[] | null }) {
  if (!messages?.length) return null;
  return (
    <div className="mb-4 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800" role="alert">
      {messages.join("；")}
    </div>
  );
}

export function Notice({ children }: { children: ReactNode }) {
  return (
    <div className="mb-4 rounded-md border border-green-200 bg-green-50 px-3 py-2 text-sm text-green-800" role="status">
      {children}
    </div>
  );
}

/** A field's messages beside it (for the compact forms whose inputs carry an aria-label instead of a label). */
export function FieldError({ field }: { field: FieldMetadata<unknown> }) {
  if (!field.errors?.length) return null;
  return (
    <p id={field.errorId} className="text-sm text-red-700 sm:col-span-full" role="alert">
      {field.errors.join("；")}
    </p>
  );
}

/** What a `Field` needs of a conform field: its label's target and its messages. */
