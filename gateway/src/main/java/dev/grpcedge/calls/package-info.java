/** What interceptors that decide a call off its thread share: holding the call's events until they have decided. */
package dev.grpcedge.calls;
