import { ADMIN, DEMO_PASSWORD, expect, open, test } from "./support";

test("the sign-in form can be filled and submitted with the keyboard alone", async ({ page }) => {
  await open(page, "/login");
  const login = page.getByLabel("登录名", { exact: true });
  const password = page.getByLabel("密码", { exact: true });

  // The first Tab stop is the skip link.
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "跳到正文" })).toBeFocused();

  // Tab on to the login field: it is reachable within the few controls of the header.
  for (let i = 0; i < 8; i++) {
    if (await login.evaluate((el) => el === document.activeElement)) break;
    await page.keyboard.press("Tab");
  }
  await expect(login).toBeFocused();
  await page.keyboard.type(ADMIN);
  await page.keyboard.press("Tab");
  await expect(password).toBeFocused();
  await page.keyboard.type(DEMO_PASSWORD);
  await page.keyboard.press("Enter");

  await expect(page.getByRole("button", { name: "退出登录" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "管理工作台" })).toBeVisible();
});
