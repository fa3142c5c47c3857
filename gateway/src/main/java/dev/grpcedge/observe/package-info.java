/** What the gateway tells its operators: the access log, and later metrics. */
package dev.grpcedge.observe;
