/** The built bundle if it is at least as new as every source it lists, else null (see built-entry.js). */
export declare function freshBundle(bundle: URL): URL | null;
