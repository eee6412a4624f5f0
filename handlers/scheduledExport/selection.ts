/**
 * Which log groups a schedule exports: exact names, name prefixes (groups created later match too)
 * and an optional tag. Pure: the handler lists the groups, this decides.
 */

/** The selection, as the component passes it to the function. */
export interface Selection {
    readonly logGroupNames?: readonly string[];
    readonly logGroupNamePrefixes?: readonly string[];
    /** Only groups carrying this tag (key and value) among those selected by name or prefix; all groups when no name or prefix is given. */
    readonly tag?: { readonly key: string; readonly value: string };
}

/** True when the selection names at least one group, prefix or tag. */
export function isEmptySelection(s: Selection): boolean {
    return (s.logGroupNames ?? []).length === 0 && (s.logGroupNamePrefixes ?? []).length === 0 && s.tag === undefined;
}

/** True when `name` is selected by its name alone (the tag, if any, is checked separately). */
export function matchesName(name: string, s: Selection): boolean {
    const names = s.logGroupNames ?? [];
    const prefixes = s.logGroupNamePrefixes ?? [];
    if (names.length === 0 && prefixes.length === 0) {
        return s.tag !== undefined;
    }
    return names.includes(name) || prefixes.some(p => name.startsWith(p));
}

/**
 * The DescribeLogGroups prefixes that cover the selection with the fewest listings: `[undefined]`
 * (list everything) when only a tag selects; otherwise each prefix and exact name, minus those another
 * one already covers.
 */
export function listingPrefixes(s: Selection): (string | undefined)[] {
    const all = [...(s.logGroupNamePrefixes ?? []), ...(s.logGroupNames ?? [])];
    if (all.length === 0) {
        return [undefined];
    }
    const unique = [...new Set(all)].sort();
    return unique.filter(p => !unique.some(q => q !== p && p.startsWith(q)));
}
