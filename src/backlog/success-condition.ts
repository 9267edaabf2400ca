/** The success condition of a backlog item (DESIGN.md, "Backlog items"). */

/**
 * The commands that decide whether an item succeeded: its own `verify` commands when it has any,
 * else the project `checks` of overnight.config.yaml. Empty when it has neither (such an item is
 * not eligible). Pure.
 */
export function successCommands(item: { readonly verify: readonly string[] }, checks: readonly string[]): readonly string[] {
  return item.verify.length > 0 ? item.verify : checks;
}
