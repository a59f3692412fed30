// Errors are data (STYLE §3.9): classified by what they say of themselves, never by class.
import { describe, expect, it } from 'vitest';
import { classifyError, errorRecord } from '../../src/engine/execute.js';

describe('classifyError', () => {
  it('records name and message only', () => {
    const e = Object.assign(new TypeError('bad'), { stack: 'secret stack' });
    expect(errorRecord(e)).toEqual({ name: 'TypeError', message: 'bad' });
    expect(errorRecord('plain')).toEqual({ name: 'Error', message: 'plain' });
    expect(errorRecord({ code: 1 })).toEqual({ name: 'Error', message: 'non-Error value thrown: {"code":1}' });
  });

  it('treats an error as retryable unless it says retryable: false', () => {
    expect(classifyError(new Error('x')).retryable).toBe(true);
    expect(classifyError(Object.assign(new Error('x'), { retryable: true })).retryable).toBe(true);
    expect(classifyError(Object.assign(new Error('x'), { retryable: false })).retryable).toBe(false);
  });

  it('hands on the usage a failed LLM node spent', () => {
    const usage = { inputTokens: 10, outputTokens: 5, model: 'm', costUsd: 0.01 };
    expect(classifyError(Object.assign(new Error('x'), { usage })).usage).toEqual(usage);
    expect(classifyError(Object.assign(new Error('x'), { usage: 'nope' })).usage).toBeUndefined();
  });
});
