// Ordering, type mapping and hierarchy resolution of the import plan.
import assert from 'node:assert/strict';
import { type ArdoqComponent, BacklogPlanError, planBacklog, typeMapping, parsePairs, asKind, TypeMappingError, DEFAULT_TYPE_MAPPING } from '../../src/core/backlog';

const c = (id: string, type: string, parent: string | null = null): ArdoqComponent => ({ _id: id, name: id, type, parent });

describe('backlog plan', () => {
  it('puts parents before children whatever the source order, and counts per level', () => {
    const plan = planBacklog([c('s1', 'User Story', 'f1'), c('f1', 'Feature', 'e1'), c('e1', 'Epic'), c('s2', 'User Story', 'f1')], DEFAULT_TYPE_MAPPING);
    assert.deepEqual(plan.items.map((i) => i.ardoqId), ['e1', 'f1', 's1', 's2']);
    assert.deepEqual(plan.items.map((i) => i.adoType), ['Epic', 'Feature', 'User Story', 'User Story']);
    assert.deepEqual(plan.countsByKind, { epic: 1, feature: 1, user_story: 2 });
  });

  it('skips unmapped types and links a child to its nearest imported ancestor', () => {
    const plan = planBacklog([c('e1', 'Epic'), c('g1', 'Capability', 'e1'), c('f1', 'Feature', 'g1'), c('x', 'Application')], DEFAULT_TYPE_MAPPING);
    assert.deepEqual(plan.skipped.map((s) => s._id), ['g1', 'x']);
    assert.equal(plan.items.find((i) => i.ardoqId === 'f1')?.parentArdoqId, 'e1');
  });

  it('treats a parent outside the source as the top', () => {
    const plan = planBacklog([c('f1', 'Feature', 'missing')], DEFAULT_TYPE_MAPPING);
    assert.equal(plan.items[0].parentArdoqId, undefined);
  });

  it('maps other process templates and custom Ardoq type names, case-insensitively', () => {
    const mapping = typeMapping({ ardoqTypes: { Initiative: 'epic', Capability: 'feature', Requirement: 'user_story' }, adoTypes: { user_story: 'Product Backlog Item' } });
    const plan = planBacklog([c('i', 'initiative'), c('r', 'Requirement', 'i')], mapping);
    assert.deepEqual(plan.items.map((i) => [i.kind, i.adoType]), [['epic', 'Epic'], ['user_story', 'Product Backlog Item']]);
  });

  it('rejects duplicate ids, parent loops and bad mappings', () => {
    assert.throws(() => planBacklog([c('a', 'Epic'), c('a', 'Epic')], DEFAULT_TYPE_MAPPING), BacklogPlanError);
    assert.throws(() => planBacklog([c('a', 'Feature', 'b'), c('b', 'Feature', 'a')], DEFAULT_TYPE_MAPPING), /loops/);
    assert.throws(() => typeMapping({ adoTypes: { epic: ' ' } }), TypeMappingError);
    assert.deepEqual(parsePairs('Initiative=epic, Story = user_story'), [['Initiative', 'epic'], ['Story', 'user_story']]);
    assert.throws(() => parsePairs('nope'), TypeMappingError);
    assert.equal(asKind('User Story'), 'user_story');
    assert.throws(() => asKind('task'), TypeMappingError);
  });
});
