export { AgentLine } from './AgentLine';
export { DeliveryLine } from './DeliveryLine';
