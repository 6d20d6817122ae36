import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { OutputStream, ProcessLog } from './process-log.js';
import type { ProcessEvent } from './process-types.js';
import { appendTail, splitText } from './text-chunks.js';

/** An `output` event of a process. */
export type OutputEvent = Extract<ProcessEvent, { type: 'output' }>;

/** Where the output of a process goes. */
export interface OutputSink {
  readonly chunkChars: number;
  readonly tailChars: number;
  readonly log: ProcessLog | undefined;
  readonly emit: (event: OutputEvent) => void;
}

/** What the output of a process left behind once its streams are done. */
export interface PumpedOutput {
  readonly stdoutTail: string;
  readonly stderrTail: string;
  /** The log's write error, if it had one. */
  readonly logError: Error | undefined;
}

/** Reads the output streams of a process into events, a bounded tail per stream and the log. */
export interface OutputPump {
  /**
   * Once the process group is gone, ends streams that stay open (held by a process that left the group) after
   * they have been idle for `idleMs`, so that the end of a process never waits on a stranger.
   */
  releaseWhenIdle(idleMs: number): void;
  /** After both streams are done: emits what the decoders still hold and closes the log. */
  close(): Promise<PumpedOutput>;
}

const STREAMS: readonly OutputStream[] = ['stdout', 'stderr'];

const isDone = (source: Readable): boolean => source.readableEnded || source.destroyed;

class Pump implements OutputPump {
  readonly #decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
  readonly #tails = { stdout: '', stderr: '' };
  #paused = false;
  /** Whether output came since the last idle check. */
  #busy = false;
  #idleTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sources: Readonly<Record<OutputStream, Readable>>,
    private readonly sink: OutputSink,
  ) {
    // After a write error the log never drains: keep reading so that the process is not blocked for ever.
    sink.log?.onError(() => this.#resume());
    for (const stream of STREAMS) sources[stream].on('data', (chunk: Buffer) => this.#deliver(stream, this.#decoders[stream].write(chunk)));
  }

  releaseWhenIdle(idleMs: number): void {
    this.#busy = false;
    this.#idleTimer = setTimeout(() => this.#checkIdle(idleMs), idleMs).unref();
  }

  async close(): Promise<PumpedOutput> {
    clearTimeout(this.#idleTimer);
    for (const stream of STREAMS) this.#deliver(stream, this.#decoders[stream].end());
    const logError = await this.sink.log?.close();
    return { stdoutTail: this.#tails.stdout, stderrTail: this.#tails.stderr, logError };
  }

  #deliver(stream: OutputStream, text: string): void {
    if (text === '') return;
    this.#busy = true;
    this.#tails[stream] = appendTail(this.#tails[stream], text, this.sink.tailChars);
    for (const piece of splitText(text, this.sink.chunkChars)) this.sink.emit({ type: 'output', stream, text: piece });
    if (this.sink.log?.write(stream, text) === false && !this.#paused) {
      this.#paused = true;
      for (const name of STREAMS) this.sources[name].pause();
      this.sink.log.onDrain(() => this.#resume());
    }
  }

  #resume(): void {
    this.#paused = false;
    for (const stream of STREAMS) this.sources[stream].resume();
  }

  #checkIdle(idleMs: number): void {
    if (STREAMS.every((stream) => isDone(this.sources[stream]))) return;
    if (this.#paused || this.#busy) {
      this.releaseWhenIdle(idleMs);
      return;
    }
    this.sink.log?.note('the process group is gone but its output is still held open by a process outside it: output closed');
    for (const stream of STREAMS) this.sources[stream].destroy();
  }
}

/**
 * Starts reading both streams. When the log cannot keep up, both streams pause until it drains, so the
 * process blocks on its own writes and our memory stays bounded however much it prints.
 */
export function createOutputPump(sources: Readonly<Record<OutputStream, Readable>>, sink: OutputSink): OutputPump {
  return new Pump(sources, sink);
}
