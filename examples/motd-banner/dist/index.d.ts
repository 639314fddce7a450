import * as _notos_core from '@notos/core';
import { z } from 'zod';

declare const bannerOptions: z.ZodPrefault<z.ZodObject<{
    text: z.ZodDefault<z.ZodString>;
}, z.core.$strict>>;
declare module "@notos/core" {
    interface NotosOptions {
        banner: typeof bannerOptions;
    }
}
declare const bannerLayer: _notos_core.Builder<_notos_core.LayerArtifact>;
declare const motdBanner: _notos_core.ModuleDefinition;

export { bannerLayer, bannerOptions, motdBanner };
