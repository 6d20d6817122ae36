export { hashPhaseSource } from './checkpoint/phase-hash.js';
export { decideResume } from './checkpoint/resume.js';
export type { ResumeDecision, ResumeReason } from './checkpoint/resume.js';
