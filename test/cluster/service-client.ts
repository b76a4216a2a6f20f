// Sends requests to a Service the way kube-proxy would: to one of its ready endpoints, as the
// real EndpointSlice controller publishes them. The slices are watched, so a pod that stops
// being ready leaves the rotation as soon as the controller removes it.
import { DiscoveryV1Api, KubeConfig, ListWatch, Watch, type V1EndpointSlice } from '@kubernetes/client-node';

export interface ServiceClientOptions {
  readonly namespace: string;
  readonly name: string;
  /** The Service port's name or number; default: the first port. */
  readonly port?: string | number;
}

export interface ServiceEndpoint {
  readonly ip: string;
  readonly port: number;
  readonly pod?: string;
}

export class ServiceClient implements AsyncDisposable {
  private readonly informer: ListWatch<V1EndpointSlice>;
  private readonly options: ServiceClientOptions;
  private turn = 0;

  private constructor(informer: ListWatch<V1EndpointSlice>, options: ServiceClientOptions) {
    this.informer = informer;
    this.options = options;
  }

  static async connect(kc: KubeConfig, options: ServiceClientOptions): Promise<ServiceClient> {
    const discovery = kc.makeApiClient(DiscoveryV1Api);
    const selector = `kubernetes.io/service-name=${options.name}`;
    const informer = new ListWatch<V1EndpointSlice>(
      `/apis/discovery.k8s.io/v1/namespaces/${options.namespace}/endpointslices`,
      new Watch(kc),
      () => discovery.listNamespacedEndpointSlice({ namespace: options.namespace, labelSelector: selector }),
      false,
      selector,
    );
    await informer.start();
    return new ServiceClient(informer, options);
  }

  /** Ready endpoints right now (serving and not terminating). */
  endpoints(): ServiceEndpoint[] {
    const out: ServiceEndpoint[] = [];
    for (const slice of this.informer.list(this.options.namespace)) {
      const ports = slice.ports ?? [];
      const port = this.options.port === undefined
        ? ports[0]
        : ports.find((p) => p.name === this.options.port || p.port === this.options.port) ?? (ports.length === 1 && ports[0]?.name === '' ? ports[0] : undefined);
      if (!port?.port) continue;
      for (const ep of slice.endpoints ?? []) {
        if (ep.conditions?.ready === false || ep.conditions?.terminating === true) continue;
        for (const ip of ep.addresses) out.push({ ip, port: port.port, pod: ep.targetRef?.name });
      }
    }
    return out.sort((a, b) => a.ip.localeCompare(b.ip));
  }

  /** fetch() against the next ready endpoint (round robin); rejects when there is none. */
  async fetch(path = '/', init: RequestInit = {}): Promise<Response> {
    const eps = this.endpoints();
    if (eps.length === 0) throw new Error(`service ${this.options.namespace}/${this.options.name} has no ready endpoints`);
    const ep = eps[this.turn++ % eps.length]!;
    return fetch(`http://${ep.ip}:${ep.port}${path}`, { signal: AbortSignal.timeout(2_000), ...init });
  }

  async close(): Promise<void> {
    await this.informer.stop();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
