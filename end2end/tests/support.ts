// Shared steps for the browser tests: a `test` that knows when the page has hydrated,
// unique names, and the sign-in / sign-out / create-a-user steps several specs need.

import { test as base, expect, type APIRequestContext, type Page } from "@playwright/test";

/** The password of every demo account (demo mode only). */
export const DEMO_PASSWORD = "Demo-2026!";
/** A global administrator and a candidate of 上城区委办公室 in the demo data. */
export const ADMIN = "admin";
export const CANDIDATE = "zhangwei";
/** A unit of the demo data: 上城区委办公室. */
export const DEMO_UNIT_CODE = "330102-01";
/** The root unit of the demo data: 示例市委组织部. */
export const ROOT_UNIT_CODE = "3301";

declare global {
  interface Window {
    __e2eHydrated?: boolean;
  }
}

/**
 * With JavaScript on, every new document gets a probe that notes when the wasm
 * bundle has been instantiated. The hydration script calls `hydrate()` right after
 * (in the same chain of promise callbacks), so a zero-delay timer started at that
 * moment fires only once hydration has run. Without the wait, a click that lands
 * before hydration would submit the form natively and the "hydrated" project would
 * silently test the no-JS path instead.
 */
export const test = base.extend<{ hydrationProbe: void }>({
  hydrationProbe: [
    async ({ page, javaScriptEnabled }, use) => {
      if (javaScriptEnabled) {
        await page.addInitScript(() => {
          const mark = () => {
            setTimeout(() => {
              window.__e2eHydrated = true;
            }, 0);
          };
          const wasm = WebAssembly as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
          for (const name of ["instantiateStreaming", "instantiate"]) {
            const original = wasm[name];
            if (typeof original !== "function") continue;
            wasm[name] = function (this: unknown, ...args: unknown[]) {
              const result = original.apply(this, args);
              result.then(mark, () => {});
              return result;
            };
          }
        });
      }
      await use();
    },
    { auto: true },
  ],
});

export { expect };

/** Whether the current project runs with JavaScript. */
export function jsEnabled(): boolean {
  return test.info().project.use.javaScriptEnabled !== false;
}

/** Waits until the current document has hydrated (nothing to wait for without JS). */
export async function hydrated(page: Page): Promise<void> {
  if (jsEnabled()) {
    await page.waitForFunction(() => window.__e2eHydrated === true, undefined, { timeout: 30_000 });
  }
}

/** Loads a page and waits until it can be used. */
export async function open(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await hydrated(page);
}

/** A short random suffix for names, so reruns and the two projects never collide. */
export function unique(): string {
  return `${Date.now().toString(36).slice(-4)}${Math.random().toString(36).slice(2, 6)}`;
}

/** Fills the sign-in form and submits it; does not check the outcome. */
export async function submitSignIn(page: Page, login: string, password: string): Promise<void> {
  await open(page, "/login");
  await expect(page.getByRole("heading", { name: "登录", exact: true })).toBeVisible();
  await page.getByLabel("登录名", { exact: true }).fill(login);
  await page.getByLabel("密码", { exact: true }).fill(password);
  await page.getByRole("button", { name: "登录", exact: true }).click();
}

/** Signs in (Chinese interface) and waits for the signed-in header. */
export async function signIn(page: Page, login: string, password: string): Promise<void> {
  await submitSignIn(page, login, password);
  await expect(page.getByRole("button", { name: "退出登录" })).toBeVisible();
}

/** Signs out through the header button (Chinese interface) and lands on the sign-in page. */
export async function signOut(page: Page, buttonName = "退出登录", loginHeading = "登录"): Promise<void> {
  await page.getByRole("button", { name: buttonName, exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole("heading", { name: loginHeading, exact: true })).toBeVisible();
  await expect(page.getByRole("button", { name: buttonName, exact: true })).toHaveCount(0);
  await hydrated(page);
}

/** Picks, in a unit `<select>`, the option of the unit with this code. */
export async function selectUnit(page: Page, label: string, code: string): Promise<string> {
  const select = page.getByLabel(label, { exact: true });
  const option = select.getByRole("option", { name: new RegExp(`\\(${escapeRegExp(code)}\\)$`) });
  await expect(option).toHaveCount(1);
  const value = await option.getAttribute("value");
  expect(value, `the option of unit ${code} has a value`).toBeTruthy();
  await select.selectOption(value!);
  return value!;
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export interface NewUser {
  login: string;
  name: string;
  unitCode: string;
  password: string;
}

/**
 * On the new-user page (signed in as an admin): creates a candidate and waits for the
 * saved user's page. Returns the user's page URL.
 */
export async function createCandidate(page: Page, user: NewUser): Promise<string> {
  await open(page, "/admin/users/new");
  await expect(page.getByRole("heading", { name: "新建用户" })).toBeVisible();
  await page.getByLabel("登录名", { exact: true }).fill(user.login);
  await page.getByLabel("姓名", { exact: true }).fill(user.name);
  const unitValue = await selectUnit(page, "单位", user.unitCode);
  const roles = page.getByRole("group", { name: "角色" });
  await expect(roles.getByRole("checkbox", { name: "考生" })).toBeChecked();
  await expect(roles.getByRole("checkbox", { name: "管理员" })).not.toBeChecked();
  await page.getByLabel("初始密码", { exact: true }).fill(user.password);
  await page.getByRole("button", { name: "新建", exact: true }).click();
  await expect(page).toHaveURL(/\/admin\/users\/[0-9a-f-]{36}\?saved=1$/);
  await expect(page.getByRole("heading", { name: "编辑用户" })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "已保存" })).toBeVisible();
  await expect(page.getByLabel("姓名", { exact: true })).toHaveValue(user.name);
  await expect(page.getByLabel("单位", { exact: true })).toHaveValue(unitValue);
  await hydrated(page);
  return page.url();
}

/**
 * Creates a candidate through the server functions, as an admin signed in on `api`
 * (a request context with its own cookies, e.g. the `request` fixture). For tests
 * whose subject is what the new user does, not how the admin created them.
 */
export async function createCandidateViaApi(api: APIRequestContext, user: NewUser): Promise<void> {
  const signedIn = await api.post("/api/login", { form: { login: ADMIN, password: DEMO_PASSWORD } });
  expect(signedIn.ok(), `admin sign-in: ${signedIn.status()}`).toBe(true);
  const units = await api.post("/api/units/list");
  expect(units.ok(), `unit list: ${units.status()}`).toBe(true);
  const unit = ((await units.json()) as { id: string; code: string }[]).find((u) => u.code === user.unitCode);
  expect(unit, `unit ${user.unitCode} exists`).toBeTruthy();
  const created = await api.post("/api/users/create", {
    form: {
      login: user.login,
      display_name: user.name,
      unit_id: unit!.id,
      scope_unit_id: "",
      role_candidate: "on",
      rank_tag: "",
      initial_password: user.password,
    },
  });
  expect(created.ok(), `user creation: ${created.status()} ${await created.text()}`).toBe(true);
}
