/** Types of bundle-file.mjs (plain JavaScript so that bin/hasim.js can load it without tsx). */
export declare const bundleDir: (root: string) => string;
export declare function bundleFile(kind: string, root: string, dir?: string): string;
export declare function mayNameUserCode(arg: string): boolean;
