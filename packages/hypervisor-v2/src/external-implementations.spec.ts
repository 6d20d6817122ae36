// Shows, by compiling, that code outside this package can implement every contract from the public entry
// alone; the `@ts-expect-error` lines show that an implementation missing a member is refused. The runtime
// part drives each outside implementation through its interface.
import { describe, expect, it } from '@jest/globals';
import { EMPTY } from 'rxjs';
import type { Observable } from 'rxjs';
// This spec plays a user outside the package, so it imports the package by name on purpose.
// eslint-disable-next-line @nx/enforce-module-boundaries
import type {
  AgentDelegationEngine,
  DelegationHandle,
  DelegationRequest,
  EventMesh,
  GPUSkillRouter,
  HookType,
  HypervisorEvent,
  HypervisorPlugin,
  HypervisorState,
  MemoryLease,
  MemoryRequest,
  MeshHandler,
  MeshMessage,
  MeshSubscription,
  SkillRoute,
  SkillTask,
  UnifiedMemoryManager,
} from '@kazuba/hypervisor-v2';

class ListMesh implements EventMesh {
  readonly delivered: MeshMessage[] = [];
  publish(event: HypervisorEvent): void {
    this.delivered.push({ topic: event.type, event, priority: 5 });
  }
  subscribe(_pattern: string, _handler: MeshHandler): MeshSubscription {
    return { unsubscribe: () => undefined, closed: false };
  }
  observe(): Observable<MeshMessage> {
    return EMPTY;
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

class FirstWordRouter implements GPUSkillRouter {
  route(task: SkillTask): SkillRoute {
    return { target: task.description.split(' ')[0] ?? 'general', kind: 'skill', confidence: 0.5 };
  }
}

class CountingMemory implements UnifiedMemoryManager {
  readonly budgetMb = 100;
  private used = 0;
  allocate(request: MemoryRequest): MemoryLease {
    this.used += request.mb;
    return { id: request.owner, owner: request.owner, mb: request.mb, tier: request.tier ?? 'hot' };
  }
  free(lease: MemoryLease): boolean {
    this.used -= lease.mb;
    return true;
  }
  usedMb(): number {
    return this.used;
  }
  whenAvailable(request: MemoryRequest): Promise<MemoryLease> {
    return Promise.resolve(this.allocate(request));
  }
}

class EchoEngine implements AgentDelegationEngine<string> {
  delegate(request: DelegationRequest): DelegationHandle<string> {
    return { taskId: `echo-${request.phaseId}`, outcome: Promise.resolve({ status: 'completed', value: request.task }), cancel: () => undefined };
  }
}

class HookLog implements HypervisorPlugin {
  readonly name = 'hook-log';
  readonly seen: HookType[] = [];
  onHook(hook: HookType, _state: Readonly<HypervisorState>): void {
    this.seen.push(hook);
  }
}

// @ts-expect-error a mesh without close() is not an EventMesh
export const incompleteMesh: EventMesh = { publish: () => undefined, subscribe: () => ({ unsubscribe: () => undefined, closed: false }), observe: () => EMPTY };
// @ts-expect-error a plugin must have a name
export const namelessPlugin: HypervisorPlugin = { onHook: () => undefined };
// @ts-expect-error a route's kind is 'agent' or 'skill'
export const badRoute: SkillRoute = { target: 'x', kind: 'tool', confidence: 1 };

describe('contracts implemented outside the package', () => {
  const state: HypervisorState = {
    currentPhase: 11,
    mode: 'sequential',
    activeWorkers: 1,
    memoryInUseMb: 0,
    countsByStatus: { pending: 1, queued: 0, running: 1, validating: 0, success: 0, partial: 0, failed: 0, skipped: 0, cancelled: 0 },
  };

  it('work through their interfaces', async () => {
    const mesh: EventMesh = new ListMesh();
    mesh.publish({ runId: 'r', seq: 0, timestamp: 0, type: 'breaker:closed' });
    expect((mesh as ListMesh).delivered).toHaveLength(1);

    const router: GPUSkillRouter = new FirstWordRouter();
    expect(router.route({ description: 'refactor the parser' }).target).toBe('refactor');

    const memory: UnifiedMemoryManager = new CountingMemory();
    const lease = await memory.whenAvailable({ owner: 'phase-11', mb: 30 });
    expect(memory.usedMb()).toBe(30);
    expect(memory.free(lease)).toBe(true);

    const engine: AgentDelegationEngine<string> = new EchoEngine();
    expect(await engine.delegate({ phaseId: 11, task: 'do it', agentType: 'shell' }).outcome).toEqual({ status: 'completed', value: 'do it' });

    const plugin: HypervisorPlugin = new HookLog();
    await plugin.onHook('pre_phase', state, new AbortController().signal);
    expect((plugin as HookLog).seen).toEqual(['pre_phase']);
  });
});
