import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scheduleJsonSchema } from '../../src/faults/json-schema.ts';
import { FAULT_KINDS } from '../../src/faults/registry.ts';

const PUBLISHED = join(import.meta.dirname, '../../schemas/schedule.schema.json');

describe('the schedule JSON Schema', () => {
  it('is published up to date (regenerate: npx tsx src/faults/json-schema.ts > schemas/schedule.schema.json)', () => {
    expect(readFileSync(PUBLISHED, 'utf8')).toBe(JSON.stringify(scheduleJsonSchema(), null, 2) + '\n');
  });

  it('describes every kind with its fields, required ones marked', () => {
    const schema = scheduleJsonSchema() as { properties: { faults: { items: { oneOf: { title: string; required: string[]; properties: Record<string, unknown> }[] } } } };
    const variants = schema.properties.faults.items.oneOf;
    expect(variants.map((v) => v.title)).toEqual(FAULT_KINDS.map((k) => k.kind));
    const latency = variants.find((v) => v.title === 'latency')!;
    expect(latency.required).toEqual(['kind', 'delay']);
    expect((latency as unknown as { anyOf: unknown }).anyOf).toEqual([{ required: ['at', 'target'] }, { required: ['when'] }]);
    expect(Object.keys(latency.properties)).toEqual(['at', 'when', 'kind', 'target', 'delay', 'for']);
    const partition = variants.find((v) => v.title === 'partition')!;
    expect(partition.properties).not.toHaveProperty('target');
  });
});
