"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.SecondaryRateLimits = void 0;
class SecondaryRateLimits {
    clock;
    inFlight = 0;
    contentGenerating = [];
    points = [];
    constructor(clock) {
        this.clock = clock;
    }
    begin(isWrite, contentGenerating) {
        const now = this.clock.now();
        const windowStart = now - 60_000;
        this.contentGenerating = this.contentGenerating.filter(t => t > windowStart);
        this.points = this.points.filter(p => p.at > windowStart);
        const retryAfter = (oldest) => Math.max(1, Math.ceil(((oldest ?? now) + 60_000 - now) / 1000));
        if (this.inFlight >= 100)
            return { allowed: false, retryAfterSeconds: 1, reason: 'more than 100 concurrent requests' };
        if (contentGenerating && this.contentGenerating.length >= 80) {
            return { allowed: false, retryAfterSeconds: retryAfter(this.contentGenerating[0]), reason: 'more than 80 content-generating requests per minute' };
        }
        const cost = isWrite ? 5 : 1;
        if (this.points.reduce((s, p) => s + p.cost, 0) + cost > 900) {
            return { allowed: false, retryAfterSeconds: retryAfter(this.points[0]?.at), reason: 'more than 900 points per minute' };
        }
        this.inFlight++;
        if (contentGenerating)
            this.contentGenerating.push(now);
        this.points.push({ at: now, cost });
        return { allowed: true };
    }
    end() {
        this.inFlight--;
    }
}
exports.SecondaryRateLimits = SecondaryRateLimits;
