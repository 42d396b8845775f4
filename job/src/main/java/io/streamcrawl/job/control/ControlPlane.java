package io.streamcrawl.job.control;

import io.etcd.jetcd.Client;

import java.io.Serializable;

/** Where the control keys live: the etcd endpoints and the root of the keys, carried by the operators that use them. */
public record ControlPlane(String endpoints, String root) implements Serializable {

    public Client connect() {
        return Client.builder().endpoints(endpoints.split(",")).build();
    }

    public TaskKeys keys() {
        return new TaskKeys(root);
    }
}
