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

/** Exact names and name prefixes (ending in "/") that together cover a list of names. */
export interface Cover {
    readonly names: string[];
    readonly prefixes: string[];
}

/**
 * The names' path prefixes of `depth` slashes (`/aws/lambda/` has three): a name with fewer
 * slashes stands for itself.
 */
export function pathCover(names: readonly string[], depth: number): Cover {
    const out = { names: new Set<string>(), prefixes: new Set<string>() };
    for (const n of names) {
        let at = -1;
        for (let i = 0; i < depth && at < n.length; i++) {
            at = n.indexOf("/", at + 1);
            if (at < 0) {
                break;
            }
        }
        if (at < 0 || at === n.length - 1) {
            out.names.add(n);
        } else {
            out.prefixes.add(n.slice(0, at + 1));
        }
    }
    return { names: [...out.names].sort(), prefixes: [...out.prefixes].sort() };
}

/**
 * The most specific cover of `names` by path prefixes that `fits` accepts: the names themselves when
 * they fit, else prefixes of fewer and fewer slashes; `undefined` when not even one-slash prefixes fit.
 */
export function coverNames(names: readonly string[], fits: (c: Cover) => boolean): Cover | undefined {
    const exact = { names: [...new Set(names)], prefixes: [] };
    if (fits(exact)) {
        return exact;
    }
    const deepest = Math.max(0, ...names.map(n => n.split("/").length - 1));
    for (let depth = deepest; depth >= 1; depth--) {
        const c = pathCover(names, depth);
        if (fits(c)) {
            return c;
        }
    }
    return undefined;
}

/** Most DescribeLogGroups listings a tick makes for exact names: beyond, their path prefixes are listed instead. */
export const MAX_LISTINGS = 25;

/**
 * The DescribeLogGroups prefixes that cover the selection with the fewest listings: `[undefined]`
 * (list everything) when only a tag selects; otherwise each prefix and exact name, minus those another
 * one already covers. Thousands of exact names are listed by their shared path prefixes (the names
 * still decide), so a tick does not make one call per name.
 */
export function listingPrefixes(s: Selection): (string | undefined)[] {
    const names = s.logGroupNames ?? [];
    const cover = coverNames(names, c => c.names.length + c.prefixes.length <= MAX_LISTINGS);
    if (cover === undefined) {
        return [undefined];
    }
    const all = [...(s.logGroupNamePrefixes ?? []), ...cover.prefixes, ...cover.names];
    if (all.length === 0) {
        return [undefined];
    }
    const unique = [...new Set(all)].sort();
    return unique.filter(p => !unique.some(q => q !== p && p.startsWith(q)));
}
