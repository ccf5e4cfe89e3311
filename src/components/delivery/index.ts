export { DeliveryLine } from './DeliveryLine';
