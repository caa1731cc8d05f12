import { manualControl } from './_manual.ts';

export default manualControl({
  id: 'kubelet-event-record-qps',
  title: 'Kubelets record events at a rate that keeps security-relevant events',
  area: 'nodes',
  severity: 'info',
  cis: ['4.2.8'],
  description: 'CIS 4.2.8 (Manual, Level 2) asks for an eventRecordQPS that captures the events a cluster needs without letting event storms overwhelm the kubelet.',
  rationale: 'Events are evidence: a limit that is too low drops them, and no limit at all lets a noisy workload degrade the kubelet.',
  remediation: 'Choose an eventRecordQPS for your event volume and set it in each node\'s KubeletConfiguration; restart the kubelet.',
  manual:
    'What rate is appropriate is a judgement the benchmark itself leaves to the auditor. The configured value is visible in each node\'s /configz (scan with --kubelet); compare it with the cluster\'s event volume.',
});
