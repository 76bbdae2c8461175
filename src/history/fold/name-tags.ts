/**
 * Small integer tags for names (nodes, scopes), so a per-order column stores one byte instead of
 * a string (order-columns.ts `OrderTags`): tag 1 is the first name seen, up to 255 names.
 */
export class NameTags {
  private readonly names: string[] = [];
  private readonly tags = new Map<string, number>();

  /** The tag of `name` (1..255), or 0 when 255 names already have one. */
  tagOf(name: string): number {
    let tag = this.tags.get(name);
    if (tag === undefined) {
      if (this.names.length === 255) return 0;
      this.names.push(name);
      this.tags.set(name, (tag = this.names.length));
    }
    return tag;
  }

  /** The name of a tag from `tagOf` (undefined for 0). */
  nameOf(tag: number): string | undefined {
    return tag === 0 ? undefined : this.names[tag - 1];
  }
}
