// What kubechaos takes from @kubernetes/client-node at run time, in one module that is only ever
// loaded with a dynamic import (see kube-client.ts): importing the package's namespace instead
// would keep all of it in the CLI's bundle (4.1 MB instead of 2.4 MB), since nothing could be
// tree-shaken from a namespace object.
export {
  ApisApi,
  AppsV1Api,
  AuthenticationV1Api,
  AuthorizationV1Api,
  BatchV1Api,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  EventsV1Api,
  KubeConfig,
  KubernetesObjectApi,
  VersionApi,
  Watch,
} from '@kubernetes/client-node';
