// Importing this module fills the default registry with every rule family.
import './matmul';
import './elementwise';
import './reduce';
import './shape';
import './nn';
