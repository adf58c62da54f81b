export { multivacScaffolderModule } from './module';
