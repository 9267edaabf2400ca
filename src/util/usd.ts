/** Money as people read it: amounts in USD, as Claude Code reports them (`total_cost_usd`). */

/** Formats an amount in USD with cents, or four decimals below a cent (`$1.25`, `$0.0042`, `$0.00`). */
export function formatUsd(usd: number): string {
  if (usd === 0) return '$0.00';
  if (usd < 0.01) return `$${usd.toFixed(4)}`;
  return `$${usd.toFixed(2)}`;
}
