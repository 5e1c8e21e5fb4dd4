import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

// `.openapi({ example, description })` on zod schemas: done once, before any schema of the API uses it.
extendZodWithOpenApi(z);

export { z };
