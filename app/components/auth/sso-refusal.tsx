import { Link } from "@remix-run/react";

/** The page a refused single sign-on lands on: why, in Chinese, and the way back to the login page. */
export function SsoRefusal({ message }: { message: string }) {
  return (
    <div className="mx-auto mt-4 max-w-sm rounded-lg bg-white p-6 shadow sm:mt-10">
      <h1 className="mb-3 text-center text-xl font-bold text-party">无法登录</h1>
      <p role="alert" className="mb-6 text-sm text-stone-700">
        {message}
      </p>
      <Link to="/login" className="block text-center text-party underline">
        返回登录页
      </Link>
    </div>
  );
}
