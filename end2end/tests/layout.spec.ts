// The main pages stay usable on a 1366×768 laptop, on a phone and at 200 % zoom: nothing
// is cut off sideways, so no horizontal scrolling is needed to reach a control.

import { test, expect, open, signIn, ADMIN, DEMO_PASSWORD } from "./support";

// 200 % zoom on a 1366×768 screen lays pages out in a 683×384 CSS-pixel viewport.
const SCREENS = [
  { name: "1366×768", width: 1366, height: 768 },
  { name: "phone 390×844", width: 390, height: 844 },
  { name: "200 % zoom", width: 683, height: 384 },
];

const PAGES = ["/", "/admin/users", "/admin/users/new", "/admin/units", "/admin/import", "/admin/audit", "/reports/units"];

for (const screen of SCREENS) {
  test(`admin pages fit without sideways scrolling at ${screen.name}`, async ({ page }) => {
    await page.setViewportSize({ width: screen.width, height: screen.height });
    await signIn(page, ADMIN, DEMO_PASSWORD);
    for (const path of PAGES) {
      await open(page, path);
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow, `${path} overflows by ${overflow}px`).toBeLessThanOrEqual(0);
      await expect(page.getByRole("navigation", { name: "主导航" })).toBeVisible();
    }
  });
}
