// axe-core in the page: injects the pinned axe-core (e2e/node_modules) and runs
// it with its default rules (every non-experimental rule: WCAG A/AA and the
// best practices), reporting violations only.
//
//   import { axeViolations, formatViolations } from './a11y.mjs';
//   const v = await axeViolations(page);           // [] when the page is clean
//   assert(v.length === 0, formatViolations(v));

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let source = null;

/** The axe-core version that is injected (from its package.json). */
export function axeVersion() {
  return require('axe-core/package.json').version;
}

function axeSource() {
  if (source === null) source = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  return source;
}

/**
 * Runs axe-core on the page as it is now. Returns one entry per violated rule:
 * { id, impact, help, nodes: [{ target: [selector...], summary }] }.
 */
export async function axeViolations(page) {
  await page.waitForLoadState('load');
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    // Evaluated through the DevTools protocol, not added as a <script>: the
    // site's Content-Security-Policy refuses inline scripts, as it should.
    await page.evaluate(axeSource());
  }
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({
        target: n.target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : String(t))),
        summary: (n.failureSummary || '').replace(/\s+/g, ' ').trim(),
      })),
    }));
  });
}

/**
 * Compact lines: "rule (impact): help" and then, for up to three elements,
 * "  selector — summary" (summary shortened), and "  … and N more".
 */
export function violationLines(violations, { perRule = 3, summaryChars = 240 } = {}) {
  const lines = [];
  for (const v of violations) {
    lines.push(`${v.id} (${v.impact}): ${v.help} [${v.nodes.length} element${v.nodes.length === 1 ? '' : 's'}]`);
    for (const n of v.nodes.slice(0, perRule)) {
      let s = n.summary.replace(/^Fix (any|all) of the following: ?/i, '');
      if (s.length > summaryChars) s = `${s.slice(0, summaryChars - 1)}…`;
      lines.push(`  ${n.target.join(', ')} — ${s}`);
    }
    if (v.nodes.length > perRule) lines.push(`  … and ${v.nodes.length - perRule} more`);
  }
  return lines;
}

export function formatViolations(violations, opts) {
  return violationLines(violations, opts).join('\n');
}
