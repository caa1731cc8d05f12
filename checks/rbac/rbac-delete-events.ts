import type { Probe } from '../../src/model/rbac.ts';
import { RBAC_GOOD_PRACTICES, grantControl, replaceRemediation } from './_grants.ts';

const probes: Probe[] = [
  { verbs: ['delete', 'deletecollection'], group: '', resource: 'events' },
  { verbs: ['delete', 'deletecollection'], group: 'events.k8s.io', resource: 'events' },
];

export default grantControl(
  {
    id: 'rbac-delete-events',
    title: 'Events are not deleted by users',
    area: 'rbac',
    severity: 'low',
    description: 'Flags every binding subject that may delete Events (core or events.k8s.io).',
    rationale: 'Events record what happened to pods and nodes; deleting them hides an intrusion\'s traces from whoever reads them next.',
    remediation: replaceRemediation('Events expire on their own; nobody needs to delete them.'),
    references: { links: [RBAC_GOOD_PRACTICES] },
    messages: {
      granted: '{{grantee}} can {{verbs}} Events {{scope}} through {{roleKind}} "{{role}}" ({{rules}}).',
    },
  },
  { probes },
);
